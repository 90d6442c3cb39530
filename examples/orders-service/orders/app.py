"""HTTP API of the orders service."""
import logging
import os

from flask import Flask, jsonify, request

from orders import payments

log = logging.getLogger(__name__)

app = Flask(__name__)
app.config["DEBUG"] = True
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/orders")
def create_order():
    order = request.get_json()
    receipt = payments.charge(order["customer_id"], order["amount_cents"])
    return jsonify({"receipt": receipt}), 201


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
