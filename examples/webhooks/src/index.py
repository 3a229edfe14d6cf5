"""Accepts a webhook (API Gateway proxy event) and queues its body."""

import json
import os

import boto3

sqs = boto3.client("sqs")
QUEUE_URL = os.environ["QUEUE_URL"]


def handler(event, context):
    body = event.get("body") or ""
    try:
        json.loads(body)
    except ValueError:
        return {"statusCode": 400, "body": json.dumps({"error": "body must be JSON"})}
    identity = event.get("requestContext", {}).get("identity", {})
    sqs.send_message(
        QueueUrl=QUEUE_URL,
        MessageBody=body,
        MessageAttributes={
            "api_key_id": {"DataType": "String", "StringValue": identity.get("apiKeyId") or "unknown"},
        },
    )
    return {"statusCode": 202, "body": json.dumps({"queued": True})}
