"""Import the config module in the current folder and print its keys.

Prints one JSON object with the id and the secret as the module left them,
or with "error" holding the exception's type and message when the import
fails. The caller redacts the values before it shows them to anyone.
"""

import json
import sys
import traceback


def main():
    sys.path.insert(0, ".")
    try:
        import config  # noqa: E402 - the module under test is in the current folder
    except BaseException as err:  # report every failure, SystemExit included
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        json.dump({"error": last}, sys.stdout)
        return
    json.dump({
        "error": None,
        "access_key_id": str(getattr(config, "AWS_ACCESS_KEY_ID", "")),
        "secret_access_key": str(getattr(config, "AWS_SECRET_ACCESS_KEY", "")),
        "region": str(getattr(config, "AWS_REGION", "")),
    }, sys.stdout)


if __name__ == "__main__":
    main()
