"""Streamlit-side code shared by the pages, one module per concept (see ARCHITECTURE.md), and the launcher."""
