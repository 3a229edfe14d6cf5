"""Records every document uploaded under the incoming prefix in the table."""

import os
import urllib.parse

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    records = event.get("Records", [])
    for record in records:
        s3 = record["s3"]
        table.put_item(
            Item={
                "document_id": s3["bucket"]["name"] + "/" + urllib.parse.unquote_plus(s3["object"]["key"]),
                "version_id": s3["object"].get("versionId", "null"),
                "size": s3["object"].get("size", 0),
                "uploaded_at": record["eventTime"],
            }
        )
    return {"recorded": len(records)}
