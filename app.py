"""Entry script: page config, sign-in gate, st.navigation by role."""

import streamlit as st

st.set_page_config(page_title="Oversight", layout="wide")
st.title("Oversight")
