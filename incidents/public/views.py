"""The public front page."""

from __future__ import annotations

from flask import Blueprint, render_template

from incidents.security.decorators import public

public_pages = Blueprint("public", __name__)


@public_pages.route("/")
@public
def home() -> str:
    return render_template("public/home.html")
