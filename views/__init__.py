"""The view layer: what each page, slide and report shows, computed without Streamlit."""
