"""The only Streamlit package: what pages are built from.

loaders (cached engine, data version, frames, metrics, indicators, docket), controls (the
sidebar and page header), figures (indicator tiles, ranked regions), tables (case tables),
drilldown (figure -> cases -> case), auth (sign-in and the page guard), i18n (the language
switch), committee (the committee pages' shared pieces). Domain modules never import Streamlit.
"""
