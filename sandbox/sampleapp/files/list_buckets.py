"""Print the S3 buckets that the key pair in config.py can see, one per line.

Exit status: 0 when the buckets were listed, 1 when AWS rejected the request
or could not be reached, 2 when config.py still contains placeholder values.
"""

import sys

from botocore.exceptions import BotoCoreError, ClientError

import storage


def main():
    placeholders = storage.placeholder_settings()
    if placeholders:
        names = ", ".join(placeholders)
        print(
            f"error: config.py still contains placeholder values for {names}; "
            "put an access key pair there first",
            file=sys.stderr,
        )
        return 2

    try:
        bucket_names = storage.list_bucket_names()
    except (ClientError, BotoCoreError) as err:
        code, message = storage.describe_error(err)
        print(f"error: {code}: {message}", file=sys.stderr)
        return 1

    for name in bucket_names:
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
