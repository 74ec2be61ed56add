"""The zip layer of an .xlsx, lowest first: :mod:`.source` (the file's bytes, range by
range), :mod:`.members` (one member inflated block by block), :mod:`.copy` (a new
archive from the old one's members, copied raw where unchanged)."""
