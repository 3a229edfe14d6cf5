"""Publishes one notification per item inserted into the events table."""

import json
import os

import boto3

sns = boto3.client("sns")
TOPIC_ARN = os.environ["TOPIC_ARN"]


def handler(event, context):
    sent = 0
    for record in event.get("Records", []):
        if record.get("eventName") != "INSERT":
            continue
        image = record["dynamodb"]["NewImage"]
        sns.publish(
            TopicArn=TOPIC_ARN,
            Subject="New event",
            Message=json.dumps({"id": image["id"]["S"], "item": image}),
        )
        sent += 1
    return {"sent": sent}
