"""S3 access for the bucket browser, built from the settings in config.py."""

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import config

PLACEHOLDER_PREFIX = "REPLACE_WITH_"
KEY_SETTINGS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")

# With botocore's default retries, a request to a closed local port took about
# 12 seconds to fail (botocore 1.43). One retry and a 5-second connect timeout
# keep both entry points responsive when the endpoint is down.
CLIENT_CONFIG = Config(connect_timeout=5, retries={"mode": "standard", "max_attempts": 2})


def placeholder_settings():
    """Return the names of the key settings in config.py that are still placeholders."""
    return [
        name
        for name in KEY_SETTINGS
        if str(getattr(config, name, "")).startswith(PLACEHOLDER_PREFIX)
    ]


def s3_client():
    """Create an S3 client from the key pair and region in config.py.

    boto3 takes the endpoint from the AWS_ENDPOINT_URL environment variable
    when it is set, so the same code talks to AWS or to a local endpoint.
    """
    return boto3.client(
        "s3",
        aws_access_key_id=config.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=config.AWS_SECRET_ACCESS_KEY,
        region_name=config.AWS_REGION,
        config=CLIENT_CONFIG,
    )


def list_bucket_names():
    """Return the sorted names of the buckets that the configured key can see."""
    response = s3_client().list_buckets()
    return sorted(bucket["Name"] for bucket in response.get("Buckets", []))


def describe_error(err):
    """Return the (code, message) pair that explains a boto3 or botocore error."""
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        return error.get("Code", "Unknown"), error.get("Message", "")
    return type(err).__name__, str(err)
