"""The OpenAPI description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from .verification.verdict import STATUSES

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


_VERDICT = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": list(STATUSES)},
        "explanation": {"type": "string"},
        "badge": {"type": ["object", "null"]},
        "issuer": {"type": ["object", "null"]},
        "issued_on": {"type": ["string", "null"], "format": "date-time"},
        "expires_on": {"type": ["string", "null"], "format": "date-time"},
        "revocation_reason": {"type": ["string", "null"]},
        "evidence": {"type": ["string", "null"], "format": "uri"},
        "award": {"type": ["string", "null"], "format": "uri"},
        "check_at": {"type": ["string", "null"]},
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "check": {"type": "string"},
                    "passed": {"type": ["boolean", "null"]},
                    "description": {"type": "string"},
                },
            },
        },
    },
    "required": ["status", "explanation", "checks"],
}

_NUMBER = {"type": "integer", "minimum": 0}
_RATING = {"type": ["integer", "null"], "minimum": 1, "maximum": 4}
_SKILLS = {
    "type": "object",
    "required": ["framework", "share_self_assessment", "skills"],
    "properties": {
        "framework": {"type": ["string", "null"], "description": "The framework's CASE UUID."},
        "share_self_assessment": {"type": "boolean"},
        "skills": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "level", "questions", "badges", "self_assessment", "lessons"],
                "properties": {
                    "id": {"type": "string"},
                    "identifier": {"type": "string"},
                    "group": {"type": "string"},
                    "level": {"type": ["string", "null"], "description": "null: not shown yet"},
                    "questions": {"type": "object", "additionalProperties": _NUMBER},
                    "badges": {"type": "array", "items": {"type": "string"}},
                    "self_assessment": {
                        "type": "object",
                        "properties": {"before": _RATING, "after": _RATING},
                    },
                    "lessons": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
}

_AWARDS = {
    "type": "object",
    "properties": {
        "awards": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    key: {"type": "string"}
                    for key in (
                        "id",
                        "badge",
                        "status",
                        "issued_at",
                        "ob2_assertion",
                        "ob3_credential",
                        "baked_png",
                        "baked_svg",
                        "public_page",
                    )
                },
            },
        }
    },
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
            "schemas": {
                "Progress": _PROGRESS,
                "Error": _ERROR,
                "Verdict": _VERDICT,
                "Awards": _AWARDS,
                "Skills": _SKILLS,
            },
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
            },
            "/api/v1/me/awards": {
                "get": {
                    "summary": "My badges, with the URL of each of their forms",
                    "operationId": "getMyAwards",
                    "security": [{"session": []}],
                    "responses": {
                        "200": _json_response("My awards.", "Awards"),
                        "401": _json_response("Not signed in.", "Error"),
                    },
                }
            },
            "/api/v1/me/skills": {
                "get": {
                    "summary": "Every skill of the framework with the level I have shown",
                    "operationId": "getMySkills",
                    "security": [{"session": []}],
                    "responses": {
                        "200": _json_response("My skills, evidence and ratings.", "Skills"),
                        "401": _json_response("Not signed in.", "Error"),
                    },
                }
            },
            "/api/v1/verify": {
                "post": {
                    "summary": "Check a badge: an image, a link, an OB 3.0 credential or a VC-JWT",
                    "description": (
                        "No account needed; cross-origin calls are allowed. A well-formed request "
                        "answers 200 whatever the verdict. Links elsewhere are never fetched."
                    ),
                    "operationId": "verifyBadge",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "email": {"type": "string"},
                                    },
                                    "required": ["file"],
                                }
                            },
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "url": {"type": "string"},
                                        "credential": {"type": ["string", "object"]},
                                        "jwt": {"type": "string"},
                                        "email": {"type": "string"},
                                    },
                                }
                            },
                        }
                    },
                    "responses": {
                        "200": _json_response("The verdict.", "Verdict"),
                        "400": _json_response("Nothing to check, or more than one thing.", "Error"),
                        "413": _json_response("Larger than 2 MB.", "Error"),
                        "415": _json_response("Neither JSON nor multipart.", "Error"),
                        "429": _json_response("Too many checks; see Retry-After.", "Error"),
                    },
                }
            },
        },
    }


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI document, for API clients and documentation tools."""
    return jsonify(document())
