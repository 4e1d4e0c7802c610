// Plugins see tables through the plugin API; re-exporting keeps their imports to one line.
@_exported import Tabular
