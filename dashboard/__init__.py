"""The Dash web app: layout, callbacks and the commands it adds to ``lpr-geo``."""
