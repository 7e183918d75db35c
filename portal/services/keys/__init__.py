"""Key rotation: the master key that wraps every envelope (``rotation``, then the background
``rewrap``), and the hash key of receipts and phones, whose old hashes are recognised and
re-hashed on first use (``lookups``)."""
