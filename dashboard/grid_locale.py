"""German texts and number formats of AG Grid.

The texts themselves live in ``assets/ag_grid_de.js`` (AG Grid's own German locale, reviewed): one
copy in the browser, loaded once with the page, instead of a text table in every grid's props.
"""

#: Grid option that makes a grid take every text (pagination, filters, menus, ARIA) in German.
GERMAN_TEXT = {"getLocaleText": {"function": "germanText(params)"}}

#: Column value formatter for numbers the German way, "2.156,1" ("–" when missing); run by dash-ag-grid
#: in the browser, no eval.
ONE_DECIMAL_DE = {
    "function": "params.value == null ? '–' : d3.format(',.1f')(params.value)"
    ".replace(/,/g, ' ').replace('.', ',').replace(/ /g, '.')"
}
