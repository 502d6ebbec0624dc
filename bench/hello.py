"""The reference limit: a bare Flask hello world, served by the bench exactly like QuizApp
(`gunicorn bench.hello:app`, same workers), so throughput ratios hold on any machine."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
