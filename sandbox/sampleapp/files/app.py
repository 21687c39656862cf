"""A web page that lists the S3 buckets visible to the key pair in config.py.

Start it with `flask --app app run` and open http://127.0.0.1:5000/.
"""

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, render_template

import storage

app = Flask(__name__)


@app.get("/")
def index():
    placeholders = storage.placeholder_settings()
    if placeholders:
        message = "config.py still contains placeholder values for " + ", ".join(placeholders) + "."
        return render_template("error.html", code="PlaceholderSettings", message=message), 500

    try:
        bucket_names = storage.list_bucket_names()
    except (ClientError, BotoCoreError) as err:
        code, message = storage.describe_error(err)
        return render_template("error.html", code=code, message=message), 502

    return render_template("index.html", buckets=bucket_names)
