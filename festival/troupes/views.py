from flask import Blueprint

bp = Blueprint("troupes", __name__)
