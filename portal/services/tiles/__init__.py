"""The county's basemap, served from the portal's own origin (``/tiles/<source>/{z}/{x}/{y}.png``).

- ``serve``: which tile to answer with: refused outside the county's box and the source's
  zoom range; from the cache; from the upstream (kept in the cache unless the source forbids
  it); and when the upstream is down, the cached tile however old, else the county's own layers.
- ``render``: the county's own layers (outline, townships, built-up area, names) drawn into a
  PNG by the portal: the demo's basemap, and every source's fallback.
- ``page``: what a map element needs to show the basemap (``data-tiles`` and the rest).
"""
