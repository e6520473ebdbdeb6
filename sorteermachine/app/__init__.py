"""The workshop web app (`sorteermachine ui`): Solara page, its session logic and its
offline front-end files. Needs the `ui` extra: pip install -e ".[ui]"."""
