"""Spreadsheet import and export of troupes, members and programs."""

from flask import Blueprint

bp = Blueprint("imports", __name__)
