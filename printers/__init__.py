"""Printed documents of the hall (ticket, receipt, cash slips, reconnection slip, day-end
summary, the field crews' papers) as a printer-independent layout, rendered to ESC/POS
with python-escpos.

Modules, one concept each:

- ``layout``: the blocks a document is made of, and the paper widths;
- ``documents``: the six documents and a test page, pure functions of plain values;
- ``field_documents``: the field crews' cut slip, reconnection slip and list;
- ``vietnamese``, ``tcvn3``: Vietnamese text in the printers' code pages (CP1258, TCVN-3);
- ``raster``: the same layout drawn with Pillow (image mode, fallback lines, previews);
- ``render``: layout -> a python-escpos printer, in text or image mode;
- ``escpos_read``: ESC/POS bytes back to the commands they are, for ``dissect`` and
  ``replay``;
- ``dissect``: ESC/POS bytes back to readable text (console backend, tests);
- ``replay``: ESC/POS bytes back to one picture a job (``preview`` of printer files);
- ``backends``: python-escpos printers built from config; ``console`` (text to the log)
  and ``network`` (python-escpos's, with a socket leak fixed) are its own printer classes;
- ``preview``: ``python -m printers.preview OUTDIR`` writes PNG previews;
- ``capabilities_cache``: where python-escpos keeps its parsed printer database, set here,
  before any module of this package imports python-escpos.

See docs/printing.md.
"""

from printers import capabilities_cache

capabilities_cache.use()
