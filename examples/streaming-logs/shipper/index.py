"""Ships CloudWatch Logs subscription batches into OpenSearch.

Each log event becomes one document in <INDEX_PREFIX>-<stream>-YYYY.MM.DD
(streams listed in DAILY_STREAMS) or <INDEX_PREFIX>-<stream>-YYYY.MM, where
<stream> is the last part of the log group's name. A JSON message's fields
are kept as the document's (the index templates map them); any other
message is kept as `message`. Documents are created with the log event's
id, so a batch CloudWatch Logs retries is not indexed twice. On AWS every
request is signed with SigV4 with the function's role (SIGN_REQUESTS).
"""

import base64
import datetime
import gzip
import json
import os
import urllib.request

ENDPOINT = os.environ["OPENSEARCH_ENDPOINT"].rstrip("/")
PREFIX = os.environ["INDEX_PREFIX"]
DAILY = {s for s in os.environ.get("DAILY_STREAMS", "").split(",") if s}
SIGN = os.environ.get("SIGN_REQUESTS", "true") == "true"
FIELDS = {"level", "service", "trace_id", "message"}


def index_name(stream, millis):
    t = datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc)
    return f"{PREFIX}-{stream}-" + t.strftime("%Y.%m.%d" if stream in DAILY else "%Y.%m")


def document(stream, log_stream, event):
    t = datetime.datetime.fromtimestamp(event["timestamp"] / 1000, datetime.timezone.utc)
    doc = {"@timestamp": t.isoformat(), "service": stream, "host": {"name": log_stream}}
    try:
        fields = json.loads(event["message"])
    except ValueError:
        fields = None
    if isinstance(fields, dict):
        doc.update({k: v for k, v in fields.items() if k in FIELDS})
        doc.setdefault("message", event["message"])
    else:
        doc["message"] = event["message"]
    return doc


def post(path, body):
    url = ENDPOINT + path
    headers = {"Content-Type": "application/x-ndjson"}
    if SIGN:
        import boto3
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        signed = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(boto3.Session().get_credentials(), "es", os.environ["AWS_REGION"]).add_auth(signed)
        headers = dict(signed.headers)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def handler(event, context):
    batch = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    if batch.get("messageType") != "DATA_MESSAGE":
        return {"shipped": 0}
    stream = batch["logGroup"].rstrip("/").rsplit("/", 1)[-1]
    lines = []
    for e in batch["logEvents"]:
        lines.append(json.dumps({"create": {"_index": index_name(stream, e["timestamp"]), "_id": e["id"]}}))
        lines.append(json.dumps(document(stream, batch["logStream"], e)))
    if not lines:
        return {"shipped": 0}
    result = post("/_bulk", ("\n".join(lines) + "\n").encode())
    # A retried batch finds its documents there already (409): not a failure.
    failed = [
        item["create"]
        for item in result.get("items", [])
        if item.get("create", {}).get("status", 200) >= 300 and item["create"]["status"] != 409
    ]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(batch['logEvents'])} events refused: {failed[0]}")
    return {"shipped": len(batch["logEvents"])}
