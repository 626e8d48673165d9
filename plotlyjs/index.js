'use strict';

// plotly.js with exactly the trace types lpr-geo draws, built like plotly.js's own partial bundles
// (lib/index-geo.js): the core (which always holds `scatter`, the timeline) plus registered modules.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/choropleth'), // the map: regions coloured by status
    require('plotly.js/lib/scattergeo'), // the map: Kreis borders, Kreis names, the route
    require('plotly.js/lib/bar'), // the Kreis overview
    require('plotly.js/lib/locales/de')
]);
// German month names, number format and modebar texts for every plot, also where a config names no locale
Plotly.setPlotConfig({ locale: 'de' });

module.exports = Plotly;
