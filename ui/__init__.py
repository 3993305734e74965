"""Streamlit-side code shared by the app: the server launcher (`python -m ui.server`)."""
