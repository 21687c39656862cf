"""Settings for the bucket browser.

The app builds its AWS clients from the three names below and reads no keys
from anywhere else.
"""

AWS_ACCESS_KEY_ID = "REPLACE_WITH_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY = "REPLACE_WITH_SECRET_ACCESS_KEY"
AWS_REGION = "us-east-1"
