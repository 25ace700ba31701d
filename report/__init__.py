"""The meeting outputs: an editable PowerPoint pack and an A4 PDF report for one
helsefellesskap or kommune and year.

What goes on each slide or page is decided once, from the store through the view layer
(``context`` reads, ``sections`` builds the content as plain ``blocks``); ``slides`` and
``document`` only draw those blocks, with python-pptx and reportlab. Nothing here imports
Streamlit: the app, the command line (``python -m report``) and the bench call ``build``.
"""
