//! The OpenSearch examples (`examples/security-logs`, `audit-trail`,
//! `streaming-logs`, each built on `modules/logging`): their lifecycle rows,
//! and their stories beyond it: encryption everywhere and a locked
//! bucket, a strict trail that refuses an unknown field, and log events
//! shipped by the example's own shipper into the daily indices its
//! templates shape. The AWS side runs against moto, the data plane against
//! the search test server over osmem-server. The rows' and stories' names
//! are no prefix of one another: they run at once, and the leftovers
//! checks look for `<name>-…`.

use crate::examples::{examples, Example, Needs};

/// What a domain example leaves behind in moto and on the search server.
macro_rules! leftovers {
    ($role:literal, $mapped:literal) => {
        concat!(
            "left = [d['DomainName'] for d in client('opensearch').list_domain_names()['DomainNames'] if d['DomainName'] == name]\n",
            "left += [b['Name'] for b in client('s3').list_buckets()['Buckets'] if b['Name'].startswith(name + '-')]\n",
            "left += [r['RoleName'] for r in client('iam').list_roles()['Roles'] if r['RoleName'].startswith(name + '-')]\n",
            "left += [a['AliasName'] for a in client('kms').list_aliases()['Aliases'] if a['AliasName'].startswith('alias/' + name + '-')]\n",
            "for path in ['/_plugins/_ism/policies/' + name + '-retention', '/_index_template/' + name + '-monthly', '/_plugins/_security/api/roles/' + name + '",
            $role,
            "', '/_plugins/_security/api/rolesmapping/' + name + '",
            $mapped,
            "']:\n",
            "    if http('GET', search_url + path)[0] != 404: left.append(path)\n",
            "print(' '.join(left))\n",
        )
    };
}

/// The monthly index template's priority changed behind Strata's back.
const TEMPLATE_DRIFT: &str = "import json\n\
t = json.loads(http('GET', search_url + '/_index_template/' + name + '-monthly')[1])['index_templates'][0]['index_template']\n\
t['priority'] = 50\n\
status, body = http('PUT', search_url + '/_index_template/' + name + '-monthly', json.dumps(t))\n\
assert status == 200, body\n";

/// The retention policy's delete moved to day 1 behind Strata's back.
const RETENTION_DRIFT: &str = "import json\n\
p = json.loads(http('GET', search_url + '/_plugins/_ism/policies/' + name + '-retention')[1])\n\
p['policy']['states'][2]['transitions'][0]['conditions']['min_index_age'] = '1d'\n\
policy = {k: v for k, v in p['policy'].items() if k not in ('policy_id', 'last_updated_time', 'schema_version', 'error_notification')}\n\
status, body = http('PUT', search_url + '/_plugins/_ism/policies/%s-retention?if_seq_no=%d&if_primary_term=%d' % (name, p['_seq_no'], p['_primary_term']), json.dumps({'policy': policy}))\n\
assert status == 200, body\n";

examples! {
    security_logs_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "security-logs",
        name: "seclogs",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[Needs::Search],
        drift: TEMPLATE_DRIFT,
        drifted: &["module.logs.opensearch_composable_index_template.monthly has changed", "\\\"priority\\\":50"],
        leftovers: Some(leftovers!("-analyst", "-analyst")),
    };
    audit_trail_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "audit-trail",
        name: "audittrail",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[Needs::Search],
        drift: RETENTION_DRIFT,
        drifted: &["module.audit.opensearch_ism_policy.retention has changed", "min_index_age\\\":\\\"1d"],
        leftovers: Some(leftovers!("-auditor", "-audit-writer")),
    };
    streaming_logs_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "streaming-logs",
        name: "streamlogs",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[Needs::Search],
        // Someone narrows the app stream's subscription to errors by hand.
        drift: "logs = client('logs')\n\
                f = logs.describe_subscription_filters(logGroupName='/' + name + '/app')['subscriptionFilters'][0]\n\
                logs.put_subscription_filter(logGroupName='/' + name + '/app', filterName=f['filterName'], filterPattern='ERROR', destinationArn=f['destinationArn'])\n",
        drifted: &["aws_cloudwatch_log_subscription_filter.ship[\"app\"] has changed", "filter_pattern: \"\" -> \"ERROR\""],
        leftovers: Some("left = [g['logGroupName'] for g in client('logs').describe_log_groups(logGroupNamePrefix='/' + name + '/')['logGroups']]\n\
                         left += [f['FunctionName'] for f in client('lambda').list_functions()['Functions'] if f['FunctionName'].startswith(name + '-')]\n\
                         left += [d['DomainName'] for d in client('opensearch').list_domain_names()['DomainNames'] if d['DomainName'] == name]\n\
                         left += [b['Name'] for b in client('s3').list_buckets()['Buckets'] if b['Name'].startswith(name + '-')]\n\
                         for path in ['/_index_template/' + name + '-access-daily', '/_index_template/' + name + '-monthly', '/_plugins/_ism/policies/' + name + '-retention', '/_plugins/_security/api/rolesmapping/' + name + '-shipper']:\n    \
                             if http('GET', search_url + path)[0] != 404: left.append(path)\n\
                         print(' '.join(left))\n"),
    };
}

#[test]
fn security_logs_encrypt_the_domain_and_the_bucket_with_their_own_key_and_lock_the_snapshots() {
    static ROW: Example = Example {
        dir: "security-logs",
        name: "seckeys",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[Needs::Search],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    let Some(run) = ROW.start() else { return };
    let apply = run.apply();
    let password = run.strata_ok(&["output", "-raw", "master_password"]).stdout;
    assert!(password.len() == 24 && !apply.stdout.contains(&password), "the master password is sensitive");
    let key = run.strata_ok(&["output", "-raw", "kms_key_arn"]).stdout;
    let seen = run.python(
        "d = client('opensearch').describe_domain(DomainName=name)['DomainStatus']\n\
         print(d['EncryptionAtRestOptions']['Enabled'], d['EncryptionAtRestOptions']['KmsKeyId'])\n\
         print(d['NodeToNodeEncryptionOptions']['Enabled'], d['DomainEndpointOptions']['EnforceHTTPS'], d['DomainEndpointOptions']['TLSSecurityPolicy'])\n\
         print(d['AdvancedSecurityOptions']['Enabled'], d['ClusterConfig']['WarmEnabled'], d['ClusterConfig']['InstanceCount'])\n\
         s3 = client('s3')\n\
         bucket = name + '-snapshots-' + client('sts').get_caller_identity()['Account']\n\
         r = s3.get_bucket_encryption(Bucket=bucket)['ServerSideEncryptionConfiguration']['Rules'][0]\n\
         print(r['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'], r['ApplyServerSideEncryptionByDefault']['KMSMasterKeyID'], r['BucketKeyEnabled'])\n\
         l = s3.get_object_lock_configuration(Bucket=bucket)['ObjectLockConfiguration']\n\
         print(l['ObjectLockEnabled'], l['Rule']['DefaultRetention']['Mode'], l['Rule']['DefaultRetention']['Days'])\n\
         k = client('kms').get_key_rotation_status(KeyId=d['EncryptionAtRestOptions']['KmsKeyId'])\n\
         print(k['KeyRotationEnabled'])\n",
    );
    assert_eq!(
        seen,
        format!(
            "True {key}\nTrue True Policy-Min-TLS-1-2-2019-07\nTrue False 1\naws:kms {key} True\nEnabled COMPLIANCE 90\nTrue\n"
        )
    );
    // The analyst's role: read and monitor on the security indices only,
    // the user field masked.
    let role = run.python(
        "import json\n\
         r = json.loads(http('GET', search_url + '/_plugins/_security/api/roles/' + name + '-analyst')[1])[name + '-analyst']\n\
         p = r['index_permissions'][0]\n\
         print(r['cluster_permissions'], p['index_patterns'], sorted(p['allowed_actions']), p['masked_fields'])\n",
    );
    assert_eq!(role, "['cluster_composite_ops_ro'] ['seckeys-*'] ['indices_monitor', 'read'] ['user']\n");
    // The analysts' IAM role holds it, as a backend role.
    let mapped = run.python(
        "import json\n\
         m = json.loads(http('GET', search_url + '/_plugins/_security/api/rolesmapping/' + name + '-analyst')[1])[name + '-analyst']\n\
         arn = client('iam').get_role(RoleName=name + '-analyst')['Role']['Arn']\n\
         print(m['backend_roles'] == [arn], m['users'])\n",
    );
    assert_eq!(mapped, "True []\n");
    // Prod's tiers are planned in place on the running domain: more nodes,
    // UltraWarm, cold storage; nothing replaced.
    let mut run = run;
    run.use_var_file("envs/prod.tfvars");
    let plan = run.strata(&["plan"]);
    assert!(
        plan.stdout.contains("# module.logs.aws_opensearch_domain.this will be updated in-place"),
        "{}",
        plan.transcript()
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    run.use_var_file("envs/dev.tfvars");
    run.destroy();
}

#[test]
fn the_audit_trail_refuses_a_record_with_a_field_it_does_not_map_and_keeps_its_month_under_the_policy() {
    static ROW: Example = Example {
        dir: "audit-trail",
        name: "audit-strict",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[Needs::Search],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    let Some(run) = ROW.start() else { return };
    run.apply();
    let seen = run.python(
        "import json\n\
         index = search_url + '/' + name + '-2026.12'\n\
         ok = {'@timestamp': '2026-12-08T03:00:00Z', 'actor': 'alice', 'action': 'patient.read', 'resource': 'patient/42', 'outcome': 'success', 'source_ip': '10.0.0.7'}\n\
         print(http('PUT', index + '/_doc/1', json.dumps(ok))[0])\n\
         status, body = http('PUT', index + '/_doc/2', json.dumps(dict(ok, comment='by hand')))\n\
         print(status, json.loads(body)['error']['type'])\n\
         print(json.loads(http('GET', search_url + '/_plugins/_ism/explain/' + name + '-2026.12')[1])[name + '-2026.12']['policy_id'])\n\
         m = json.loads(http('GET', index + '/_mapping')[1])[name + '-2026.12']['mappings']\n\
         print(m['dynamic'], m['properties']['source_ip']['type'])\n\
         print(http('DELETE', index)[0])\n",
    );
    assert_eq!(seen, "201\n400 strict_dynamic_mapping_exception\naudit-strict-retention\nstrict ip\n200\n");
    let writer = run.python(
        "import json\n\
         r = json.loads(http('GET', search_url + '/_plugins/_security/api/roles/' + name + '-audit-writer')[1])[name + '-audit-writer']\n\
         actions = r['index_permissions'][0]['allowed_actions']\n\
         print(sorted(actions), any('delete' in a or 'update' in a for a in actions))\n\
         l = client('s3').get_object_lock_configuration(Bucket=name + '-snapshots-' + client('sts').get_caller_identity()['Account'])\n\
         print(l['ObjectLockConfiguration']['Rule']['DefaultRetention']['Mode'])\n",
    );
    assert_eq!(
        writer,
        "['indices:admin/create', 'indices:admin/mapping/put', 'indices:data/write/bulk[s]', 'indices:data/write/index'] False\nCOMPLIANCE\n"
    );
    run.destroy();
}

#[test]
fn streaming_logs_ship_a_batch_through_the_examples_own_shipper_into_daily_and_monthly_indices() {
    static ROW: Example = Example {
        dir: "streaming-logs",
        name: "stream-ship",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[Needs::Search],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    let Some(run) = ROW.start() else { return };
    run.apply();
    // Both groups are subscribed to the function, which CloudWatch Logs may invoke.
    let wired = run.python(
        "import json\n\
         logs, lam = client('logs'), client('lambda')\n\
         fn = lam.get_function(FunctionName=name + '-shipper')['Configuration']\n\
         for s in ['access', 'app']:\n    \
             f = logs.describe_subscription_filters(logGroupName='/' + name + '/' + s)['subscriptionFilters']\n    \
             print(s, [(x['filterName'], x['destinationArn'] == fn['FunctionArn'], x['distribution']) for x in f])\n\
         policy = json.loads(lam.get_policy(FunctionName=name + '-shipper')['Policy'])\n\
         print(sorted(st['Principal']['Service'] for st in policy['Statement']))\n\
         print(fn['Environment']['Variables']['DAILY_STREAMS'], fn['Environment']['Variables']['INDEX_PREFIX'])\n",
    );
    assert_eq!(
        wired,
        "access [('stream-ship-to-opensearch', True, 'ByLogStream')]\n\
         app [('stream-ship-to-opensearch', True, 'ByLogStream')]\n\
         ['logs.amazonaws.com', 'logs.amazonaws.com']\n\
         access stream-ship\n"
    );
    // The shipper's code, run here with a batch as CloudWatch Logs sends it
    // (gzip, base64), against the search server, unsigned.
    let shipper = run.path().join("shipper");
    let shipped = run.python(&format!(
        "import base64, gzip, json, os, sys\n\
         os.environ.update(OPENSEARCH_ENDPOINT=search_url, INDEX_PREFIX=name, DAILY_STREAMS='access', SIGN_REQUESTS='false')\n\
         sys.path.insert(0, {shipper:?})\n\
         import index\n\
         def batch(group, events):\n    \
             data = {{'messageType': 'DATA_MESSAGE', 'logGroup': group, 'logStream': 'web-1', 'logEvents': events}}\n    \
             return {{'awslogs': {{'data': base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}}}\n\
         t = 1796698800000  # 2026-12-08T03:00:00Z\n\
         access = [{{'id': 'a%d' % i, 'timestamp': t + i, 'message': json.dumps({{'level': 'info', 'message': 'GET /'}})}} for i in range(3)]\n\
         print(index.handler(batch('/' + name + '/access', access), None))\n\
         print(index.handler(batch('/' + name + '/access', access), None))\n\
         print(index.handler(batch('/' + name + '/app', [{{'id': 'b1', 'timestamp': t, 'message': 'plain text ERROR'}}]), None))\n\
         print(index.handler({{'awslogs': {{'data': base64.b64encode(gzip.compress(json.dumps({{'messageType': 'CONTROL_MESSAGE'}}).encode())).decode()}}}}, None))\n\
         http('POST', search_url + '/_refresh')\n\
         daily, monthly = name + '-access-2026.12.08', name + '-app-2026.12'\n\
         print(json.loads(http('GET', search_url + '/' + daily + '/_count')[1])['count'], json.loads(http('GET', search_url + '/' + monthly + '/_count')[1])['count'])\n\
         s = json.loads(http('GET', search_url + '/' + daily + '/_settings')[1])[daily]['settings']['index']\n\
         m = json.loads(http('GET', search_url + '/' + monthly + '/_settings')[1])[monthly]['settings']['index']\n\
         print(s['number_of_shards'], m['number_of_shards'])\n\
         print(sorted(json.loads(http('GET', search_url + '/' + daily + '/_alias')[1])[daily]['aliases']))\n\
         e = json.loads(http('GET', search_url + '/_plugins/_ism/explain/' + daily + ',' + monthly)[1])\n\
         print(e[daily]['policy_id'], e[monthly]['policy_id'])\n\
         d = json.loads(http('GET', search_url + '/' + monthly + '/_doc/b1')[1])['_source']\n\
         print(d['message'], d['service'], d['host']['name'], d['@timestamp'])\n\
         for i in [daily, monthly]: http('DELETE', search_url + '/' + i)\n",
        shipper = shipper.display().to_string(),
    ));
    assert_eq!(
        shipped,
        "{'shipped': 3}\n{'shipped': 3}\n{'shipped': 1}\n{'shipped': 0}\n\
         3 1\n\
         2 1\n\
         ['stream-ship-access']\n\
         stream-ship-retention stream-ship-retention\n\
         plain text ERROR app web-1 2026-12-08T03:00:00+00:00\n"
    );
    run.destroy();
}
