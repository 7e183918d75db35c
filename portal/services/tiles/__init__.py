"""The county's basemap, served from the portal's own origin (``/tiles/<source>/{z}/{x}/{y}.png``).

- ``serve``: which tile to answer with: refused outside the county's box and the source's
  zoom range; from the cache; from the upstream (kept in the cache unless the source forbids
  it); and when the upstream is down, the cached tile however old, else the county's own layers.
- ``render``: the county's own layers (outline, townships, built-up area) drawn into a PNG by
  the portal: every source's stand-in while its upstream is down, and ``/tiles/county/...``.

``TileService.shown`` names the source a county's maps use (``portal.web.maps`` writes it into
the map element's ``data-*`` attributes).
"""
