"""Finding the place (issue 19): what the pin says before filing (``preview``: the same
routing as filing), the gazetteer search, reports near the pin (``nearby``), placing an
address that names a village (``address``, for Open311) and the staff maps (``maps``).

Coordinates arrive tagged with the datum of the basemap they were taken from; they are
converted to WGS84 (``portal.domain.datum``) before anything else sees them.
"""
