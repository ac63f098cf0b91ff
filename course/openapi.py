"""The OpenAPI description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

bp = Blueprint("openapi", __name__)

_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error"],
}

_PROGRESS = {
    "type": "object",
    "properties": {
        "modules": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "lessons": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "done": {"type": "boolean"}},
                        },
                    },
                    "lessons_done": {"type": "integer"},
                    "lessons_total": {"type": "integer"},
                    "quizzes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "best_score": {
                                    "type": ["integer", "null"],
                                    "minimum": 0,
                                    "maximum": 100,
                                },
                                "passed": {"type": "boolean"},
                                "pass_mark": {"type": "integer"},
                            },
                        },
                    },
                    "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                    "completed_at": {"type": ["string", "null"], "format": "date-time"},
                },
                "required": ["id", "lessons", "quizzes", "percent", "completed_at"],
            },
        }
    },
    "required": ["modules"],
}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document for this server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "GLAM and gender course API",
            "version": "1",
            "description": "Progress of the signed-in learner. Authentication is the browser "
            "session cookie of the course site.",
        },
        "servers": [{"url": current_app.config["BASE_URL"]}],
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": current_app.config["SESSION_COOKIE_NAME"],
                }
            },
            "schemas": {"Progress": _PROGRESS, "Error": _ERROR},
        },
        "paths": {
            "/api/v1/me/progress": {
                "get": {
                    "summary": "My progress in every module",
                    "operationId": "getMyProgress",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {
                            "description": "Lessons done, quiz scores and completion per module.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Progress"}
                                }
                            },
                        },
                        "401": {
                            "description": "Not signed in.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            }
        },
    }


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI document, for API clients and documentation tools."""
    return jsonify(document())
