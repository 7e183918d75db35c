"""Operating the portal over the years: whole-store upgrades (``upgrade``), backups and
restores of the embedded default (``backup``, ``restore``), key rotation (``keys``,
``rewrap``) and the health check (``doctor``)."""
