"""Send conformance calls through boto3, one per line, and print each result.

Each line on stdin is a JSON object: service, op (the PascalCase operation
name), params (the input in the API's JSON shape, blobs as base64), key_id and
secret. For each line, one JSON line goes to stdout: status, error, message
and output, or client_error when boto3 failed without a response. Timestamps
become epoch seconds and blobs base64 strings, as on the JSON wire.

The endpoint and region come from the environment (AWS_ENDPOINT_URL,
AWS_DEFAULT_REGION). Nothing is printed but the results.
"""

import base64
import datetime
import json
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore import xform_name

_clients = {}


def client_for(service, key_id, secret):
    """Return a client for the service and key pair, made once per pair."""
    cache_key = (service, key_id, secret)
    if cache_key not in _clients:
        _clients[cache_key] = boto3.client(
            service, aws_access_key_id=key_id, aws_secret_access_key=secret
        )
    return _clients[cache_key]


def decode_blobs(client, op, params):
    """Decode the base64 of top-level blob members into bytes."""
    shape = client.meta.service_model.operation_model(op).input_shape
    out = dict(params)
    if shape is None:
        return out
    for name, member in shape.members.items():
        if member.type_name == "blob" and isinstance(out.get(name), str):
            out[name] = base64.b64decode(out[name])
    return out


def plain(value):
    """Turn a boto3 response value into JSON values."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def run(call):
    """Send one call and return its result."""
    client = client_for(call["service"], call["key_id"], call["secret"])
    op = call["op"]
    try:
        params = decode_blobs(client, op, call["params"])
        response = getattr(client, xform_name(op))(**params)
    except ClientError as err:
        return {
            "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
            "error": err.response["Error"]["Code"],
            "message": err.response["Error"].get("Message", ""),
        }
    except (BotoCoreError, ValueError, TypeError) as err:
        return {"client_error": f"{type(err).__name__}: {err}"}
    status = response.pop("ResponseMetadata")["HTTPStatusCode"]
    return {"status": status, "output": plain(response)}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
