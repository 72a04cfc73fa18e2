"""The organizer's dashboard of a festival."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
