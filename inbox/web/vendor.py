"""Third-party front-end files, installed from npm (package-lock.json) and served from here: no CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

# Public name -> path under node_modules. Only these files are served.
FILES = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.esm.min.js.map": "socket.io-client/dist/socket.io.esm.min.js.map",
    # Chart.js's self-contained build: its ES module build imports the bare name "@kurkle/color", which a
    # browser resolves only through an import map, an inline script the CSP forbids. Imported from a
    # module, this build sets globalThis.Chart (static/js/admin/campaign/chart.js hands it on).
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "chart.umd.min.js.map": "chart.js/dist/chart.umd.min.js.map",
}


def node_modules() -> Path:
    """Where npm installed the front-end packages (beside app.py)."""
    return Path(current_app.root_path) / "node_modules"


@bp.get("/<name>")
def vendor_file(name: str) -> Response:
    """One whitelisted file from node_modules."""
    relative = FILES.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    if not path.is_file():
        abort(404, f"{name} is not installed: run `npm ci` (or `make install`)")
    mimetype = "text/javascript" if name.endswith(".js") else "application/json"
    return send_file(path, mimetype=mimetype, max_age=3600)
