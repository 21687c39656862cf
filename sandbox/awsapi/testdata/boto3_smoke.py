"""Exercise the endpoint with boto3 and print what came back as JSON.

The endpoint, region and credentials come from the environment. The first two
arguments are an access key pair that the endpoint does not know. Secret values
and secret access keys are never printed.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError


def error_of(call):
    try:
        call()
    except ClientError as err:
        return [err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


def main():
    fake_id, fake_secret = sys.argv[1], sys.argv[2]
    out = {}

    sm = boto3.client("secretsmanager")
    created = sm.create_secret(Name="py/secret", SecretString="v1", Tags=[{"Key": "team", "Value": "py"}])
    out["arn"] = created["ARN"]
    got = sm.get_secret_value(SecretId="py/secret")
    out["value_matches"] = got["SecretString"] == "v1"
    out["created_date_type"] = type(got["CreatedDate"]).__name__
    sm.put_secret_value(SecretId=created["ARN"][:-7], SecretBinary=b"\x00\x01bin")
    out["binary"] = list(sm.get_secret_value(SecretId="py/secret")["SecretBinary"])
    described = sm.describe_secret(SecretId="py/secret")
    out["stages"] = sorted(s for stages in described["VersionIdsToStages"].values() for s in stages)
    names = []
    for page in sm.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 1}):
        names += [s["Name"] for s in page["SecretList"]]
    out["listed"] = names
    batch = sm.batch_get_secret_value(SecretIdList=["py/secret", "py/missing"])
    out["batch"] = [len(batch["SecretValues"]), [e["ErrorCode"] for e in batch["Errors"]]]
    out["missing"] = error_of(lambda: sm.get_secret_value(SecretId="py/missing"))
    out["password_length"] = len(sm.get_random_password(PasswordLength=20)["RandomPassword"])

    out["caller"] = boto3.client("sts").get_caller_identity()["Arn"]
    s3 = boto3.client("s3")
    out["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    out["no_buckets"] = s3.list_buckets(Prefix="none-")["Buckets"]
    iam = boto3.client("iam")
    for old in iam.list_access_keys(UserName="app")["AccessKeyMetadata"]:
        iam.delete_access_key(UserName="app", AccessKeyId=old["AccessKeyId"])
    out["no_keys"] = iam.list_access_keys(UserName="app")["AccessKeyMetadata"]
    key = iam.create_access_key(UserName="app")["AccessKey"]
    out["new_key"] = [key["AccessKeyId"][:4], len(key["SecretAccessKey"]), key["Status"]]

    fake = dict(aws_access_key_id=fake_id, aws_secret_access_key=fake_secret)
    out["fake_s3"] = error_of(lambda: boto3.client("s3", **fake).list_buckets())
    out["fake_sts"] = error_of(lambda: boto3.client("sts", **fake).get_caller_identity())
    out["fake_sm"] = error_of(lambda: boto3.client("secretsmanager", **fake).list_secrets())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
