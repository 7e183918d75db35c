"""infra/template.yaml: valid CloudFormation (cfn-lint), the table the code defines
(portal/store/schema.py), names that agree with zappa_settings.json, and least privilege;
zappa_settings.json: the stages deploy what the stack expects, and no secret."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from portal.config import Settings
from portal.store.schema import TABLE, dynamodb_table_definition

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
STAGES = ("dev", "prod")
#: what a deployer fills in (README.md, "Deploying on AWS"); nothing else in the file varies
PLACEHOLDERS = {"<ACCOUNT_ID>", "<TWILIO_ACCOUNT_SID>", "<TWILIO_MESSAGING_SERVICE_SID>", "<PUBLIC_HOST>"}


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt, ...) read as their long form."""


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template() -> dict:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)


@pytest.fixture(scope="module")
def resources(template) -> dict:
    return template["Resources"]


def of_type(resources, kind: str) -> dict:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def zappa_stage(stage: str) -> dict:
    """A stage of zappa_settings.json as Zappa reads it: ``extends`` merged (shallowly)."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    merged: dict = {}
    while stage:
        merged = {**settings[stage], **merged}
        stage = settings[stage].get("extends")
    return merged


def partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws"


def resolve(value, stage: str, region: str) -> str:
    """A name the template builds with !Sub, as it comes out for ``stage`` in ``region`` of
    the account that zappa_settings.json calls <ACCOUNT_ID>."""
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    for name, actual in (("Stage", stage), ("AWS::AccountId", "<ACCOUNT_ID>"), ("AWS::Region", region),
                         ("AWS::Partition", partition(region))):
        text = text.replace("${" + name + "}", actual)
    assert "${" not in text, text
    return text


# --- validity --------------------------------------------------------------------------


def test_cfn_lint_passes_in_the_deployment_regions():
    if not CFN_LINT.exists():
        pytest.fail(f"{CFN_LINT} is missing: run `bash scripts/setup.sh --test`", pytrace=False)
    result = subprocess.run([str(CFN_LINT), "--regions", "us-east-1", "cn-north-1", "--", str(TEMPLATE)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the table -------------------------------------------------------------------------


def test_table_is_the_one_the_code_defines(resources):
    declared = resources["Table"]["Properties"]
    wanted = dynamodb_table_definition("unused")
    assert declared["BillingMode"] == wanted["BillingMode"]
    assert declared["KeySchema"] == wanted["KeySchema"]
    as_set = lambda defs: {(d["AttributeName"], d["AttributeType"]) for d in defs}  # noqa: E731
    assert as_set(declared["AttributeDefinitions"]) == as_set(wanted["AttributeDefinitions"])
    assert len(declared["AttributeDefinitions"]) == len(wanted["AttributeDefinitions"])
    declared_indexes = {ix["IndexName"]: ix for ix in declared["GlobalSecondaryIndexes"]}
    wanted_indexes = {ix["IndexName"]: ix for ix in wanted["GlobalSecondaryIndexes"]}
    assert set(declared_indexes) == set(wanted_indexes)
    for name, ix in wanted_indexes.items():
        assert declared_indexes[name]["KeySchema"] == ix["KeySchema"], name
        assert declared_indexes[name]["Projection"] == ix["Projection"], name
    assert declared["TimeToLiveSpecification"] == {"AttributeName": TABLE.ttl_attribute, "Enabled": True}


def test_table_is_recoverable_and_encrypted_with_the_portal_key(resources):
    table = resources["Table"]
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["Properties"]["SSESpecification"] == {
        "SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Fn::GetAtt": ["PortalKey", "Arn"]}}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert resources["PortalKey"]["Properties"]["EnableKeyRotation"] is True


# --- names shared with zappa_settings.json ---------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_default_names_match_the_zappa_stage(template, resources, stage):
    zappa = zappa_stage(stage)
    env, region = zappa["environment_variables"], zappa["aws_region"]
    name = lambda resource, key: resolve(resources[resource]["Properties"][key], stage, region)  # noqa: E731
    assert name("Table", "TableName") == env["PORTAL_DYNAMODB_TABLE"]
    assert name("IncomingBucket", "BucketName") == env["PORTAL_S3_INCOMING_BUCKET"]
    assert name("EvidenceBucket", "BucketName") == env["PORTAL_S3_EVIDENCE_BUCKET"]
    assert name("TileBucket", "BucketName") == env["PORTAL_S3_TILE_BUCKET"]
    assert env["PORTAL_TILE_CACHE"] == "s3"  # every container reads the tiles one fetched
    assert name("DeploymentBucket", "BucketName") == zappa["s3_bucket"]
    assert name("PortalKeyAlias", "AliasName") == env["PORTAL_KMS_KEY_ID"]
    assert zappa["role_arn"] == f"arn:{partition(region)}:iam::<ACCOUNT_ID>:role/{name('ExecutionRole', 'RoleName')}"
    secrets = resources["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    prefix = next(s for s in secrets if s["Sid"] == "Secrets")["Resource"]["Fn::Sub"][1]["Prefix"]
    assert resolve(prefix["Fn::If"][2], stage, region) == env["PORTAL_SSM_PREFIX"]
    log_group = resources["FunctionLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"][1]["Name"]
    assert resolve(log_group["Fn::If"][2], stage, region) == f"{zappa['project_name']}-{stage}"
    assert set(template["Parameters"]) == {"Stage", "FunctionName", "PortalOrigins", "SsmPrefix", "FunctionDeployed",
                                           "SmsFailurePercent", "OperatorEmail"}


@pytest.mark.parametrize("stage", STAGES)
def test_zappa_wires_the_sweeper_schedule_and_the_upload_trigger(resources, stage):
    """Zappa 0.63 builds an S3 trigger from event_source's ``events``, ``prefix`` and
    ``suffix`` (``key_filters`` is ignored), and routes a bucket's records to the function
    mapped to the bucket's ARN, so that ARN must be in the region's partition."""
    zappa = zappa_stage(stage)
    region = zappa["aws_region"]
    schedule, upload = zappa["events"]
    assert schedule == {"function": "functions.deadlines.handler", "expression": "rate(5 minutes)",
                        "description": f"Complaint portal {stage}: deadline sweeper"}
    assert upload["function"] == "functions.uploads.handler"
    incoming = resolve(resources["IncomingBucket"]["Properties"]["BucketName"], stage, region)
    assert upload["event_source"] == {"arn": f"arn:{partition(region)}:s3:::{incoming}",
                                      "events": ["s3:ObjectCreated:*"], "prefix": "incoming/"}
    assert zappa["keep_warm"] is False  # the 5-minute sweep keeps a container warm already


@pytest.mark.parametrize("stage", STAGES)
def test_zappa_uses_the_stacks_role_and_api_and_shows_no_traceback(stage):
    zappa = zappa_stage(stage)
    assert (zappa["app_function"], zappa["runtime"], zappa["project_name"]) == (
        "portal.wsgi.app", "python3.11", "complaint-portal")
    assert zappa["manage_roles"] is False  # never Zappa's own role with dynamodb:* and s3:*
    assert zappa["apigateway_enabled"] is False  # the REST API is the stack's (FunctionDeployed)
    assert zappa["debug"] is False  # Zappa puts the traceback into a 500 body when debug is on
    assert zappa["log_level"] == "INFO"  # Zappa logs every raw event at DEBUG
    assert zappa["use_precompiled_packages"] is False  # no wheel downloads while packaging
    assert {"boto3", "botocore", "tests", "bench", ".venv", "node_modules"} <= set(zappa["exclude"])


@pytest.mark.parametrize("stage", STAGES)
def test_zappa_settings_hold_no_secret_and_only_known_settings(stage):
    zappa = zappa_stage(stage)
    env = zappa["environment_variables"]
    known = {f.metadata["env"] for f in fields(Settings)}
    secret = {f.metadata["env"] for f in fields(Settings) if f.metadata["secret"]}
    assert set(env) <= known, set(env) - known
    assert not set(env) & secret
    assert (env["PORTAL_SECRETS"], env["PORTAL_STORE"], env["PORTAL_BLOBS"], env["PORTAL_KEYRING"],
            env["PORTAL_SMS"]) == ("ssm", "dynamodb", "s3", "kms", "twilio")
    text = json.dumps(zappa)
    assert set(re.findall(r"<[^<>]*>", text)) == PLACEHOLDERS
    Settings.from_env({k: v for k, v in env.items()})  # every value passes the portal's checks


# --- least privilege and storage safety ------------------------------------------------


def test_execution_role_names_every_resource_and_action(resources):
    role = resources["ExecutionRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    assert "ManagedPolicyArns" not in role
    granted = {}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert not any("*" in action for action in actions), statement["Sid"]
            assert "*" not in targets and "arn:*" not in json.dumps(targets), statement["Sid"]
            granted[statement["Sid"]] = (sorted(actions), targets, statement.get("Condition"))
    assert granted["UploadAndEvidenceObjects"][1] == [
        {"Fn::Sub": "${IncomingBucket.Arn}/incoming/*"}, {"Fn::Sub": "${EvidenceBucket.Arn}/evidence/*"}]
    assert granted["DataKey"][:2] == (["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom",
                                       "kms:ReEncryptTo"], [{"Fn::GetAtt": ["PortalKey", "Arn"]}])
    assert granted["TableItems"][0] == ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
                                        "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"]
    assert granted["IndexQueries"][:2] == (["dynamodb:Query"], [{"Fn::Sub": "${Table.Arn}/index/*"}])
    assert granted["Secrets"][0] == ["ssm:GetParameters"]
    assert granted["CachedTiles"][:2] == (["s3:GetObject", "s3:PutObject"],
                                          [{"Fn::Sub": "${TileBucket.Arn}/tiles/*"}])
    assert set(granted) == {"TableItems", "IndexQueries", "UploadAndEvidenceObjects", "ListIncoming",
                            "ListEvidence", "CachedTiles", "ListTiles", "DataKey", "Secrets", "OwnLogs"}


def test_missing_keys_answer_404_through_a_listing_right_kept_to_the_roles_prefixes(resources):
    """S3 answers 403 for a missing key unless the caller may list the bucket; it checks that
    right with the key as s3:prefix. The grant is the bucket's own prefix, nothing wider."""
    statements = {s["Sid"]: s for s in resources["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]}
    for sid, bucket, prefix in (("ListIncoming", "IncomingBucket", "incoming/*"),
                                ("ListEvidence", "EvidenceBucket", "evidence/*"),
                                ("ListTiles", "TileBucket", "tiles/*")):
        statement = statements[sid]
        assert (statement["Action"], statement["Resource"]) == ("s3:ListBucket", {"Fn::GetAtt": [bucket, "Arn"]})
        assert statement["Condition"] == {"StringLike": {"s3:prefix": prefix}}


def test_buckets_are_private_encrypted_and_tls_only(resources):
    buckets = of_type(resources, "AWS::S3::Bucket")
    assert set(buckets) == {"IncomingBucket", "EvidenceBucket", "DeploymentBucket", "TileBucket"}
    policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
                for p in of_type(resources, "AWS::S3::BucketPolicy").values()}
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, name
        assert len(props["PublicAccessBlockConfiguration"]) == 4, name
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        if name == "DeploymentBucket":  # code zips only, which Lambda fetches with the deployer's rights
            assert rule == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            (expiry,) = props["LifecycleConfiguration"]["Rules"]
            assert expiry["ExpirationInDays"] == 7
        elif name == "TileBucket":  # public map tiles, a cache: no KMS request per tile
            assert rule == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            (expiry,) = props["LifecycleConfiguration"]["Rules"]
            assert (expiry["Prefix"], expiry["ExpirationInDays"]) == ("tiles/", 90)
        else:
            assert rule == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                              "KMSMasterKeyID": {"Fn::GetAtt": ["PortalKey", "Arn"]}},
                            "BucketKeyEnabled": True}, name
        (deny,) = policies[name]
        assert (deny["Effect"], deny["Action"], deny["Condition"]) == (
            "Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}}), name


def test_raw_uploads_expire_after_a_day_and_only_the_portal_may_post_them(template, resources):
    props = resources["IncomingBucket"]["Properties"]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["Prefix"], rule["ExpirationInDays"]) == ("Enabled", "incoming/", 1)
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert (cors["AllowedMethods"], cors["AllowedOrigins"]) == (["POST"], {"Ref": "PortalOrigins"})
    origins = template["Parameters"]["PortalOrigins"]  # one per county host, each an https origin
    assert (origins["Type"], origins["AllowedPattern"]) == ("CommaDelimitedList", "^https://[A-Za-z0-9.-]+(:[0-9]+)?$")


def test_the_rest_api_proxies_to_the_function_in_the_stacks_partition(template, resources):
    """Zappa 0.63 would write arn:aws: into the integration URI, which API Gateway refuses in
    the China regions; the stack's API uses the partition it runs in, a regional endpoint (the
    only kind there) and the function's resource policy instead of its role."""
    api = {name: r for name, r in resources.items() if r["Type"].startswith("AWS::ApiGateway::")}
    assert {r.get("Condition") for r in api.values()} == {"WithApi"}
    assert template["Conditions"]["WithApi"] == {"Fn::Equals": [{"Ref": "FunctionDeployed"}, "true"]}
    rest = resources["Api"]["Properties"]
    assert (rest["EndpointConfiguration"], rest["BinaryMediaTypes"]) == ({"Types": ["REGIONAL"]}, ["*/*"])
    methods = of_type(resources, "AWS::ApiGateway::Method")
    assert {m["Properties"]["ResourceId"].get("Ref", "root") for m in methods.values()} == {"ApiProxyResource", "root"}
    for method in methods.values():
        props = method["Properties"]
        assert (props["HttpMethod"], props["Integration"]["Type"]) == ("ANY", "AWS_PROXY")
        assert "Credentials" not in props["Integration"]
        uri = props["Integration"]["Uri"]["Fn::Sub"][0]
        assert uri.startswith("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/")
    assert resources["ApiProxyResource"]["Properties"]["PathPart"] == "{proxy+}"
    stage = resources["ApiStage"]["Properties"]
    assert stage["StageName"] == {"Ref": "Stage"}  # the Zappa stage: Zappa strips /<stage> from paths
    assert not any(s.get("LoggingLevel") or s.get("DataTraceEnabled") for s in stage["MethodSettings"])
    assert "AccessLogSetting" not in stage  # access logs would hold client addresses
    permission = resources["ApiInvokePermission"]["Properties"]
    assert (permission["Principal"], permission["Action"]) == ("apigateway.amazonaws.com", "lambda:InvokeFunction")
    assert permission["SourceArn"] == {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"}
    assert "arn:aws:" not in json.dumps(resources)  # every ARN names its partition


def test_sweeper_errors_raise_an_alarm(resources):
    props = resources["SweepErrorMetricFilter"]["Properties"]
    assert props["FilterPattern"] == '"SWEEP_ERROR"'
    assert props["LogGroupName"] == {"Ref": "FunctionLogGroup"}
    (transformation,) = props["MetricTransformations"]
    alarm = resources["SweepErrorAlarm"]
    assert (alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) == (
        transformation["MetricNamespace"], transformation["MetricName"])
    assert alarm["Properties"]["Threshold"] == 1
    assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


# --- the operators' alarms and the evidence bucket's versions (issue 15) ------------------


def test_the_evidence_bucket_keeps_earlier_versions_for_30_days_and_the_table_keeps_pitr(resources):
    props = resources["EvidenceBucket"]["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rule["ExpiredObjectDeleteMarker"] is True and "ExpirationInDays" not in rule  # current photos stay
    assert resources["Table"]["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_every_alarm_tells_the_operators_topic(template, resources):
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    assert set(alarms) == {"SweepErrorAlarm", "SweeperSilentAlarm", "BreachAlarm", "SmsFailureRateAlarm",
                           "FunctionErrorAlarm", "FunctionThrottleAlarm"}
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    (topic,) = of_type(resources, "AWS::SNS::Topic")
    subscription = resources["OperatorSubscription"]
    assert subscription["Condition"] == "OperatorEmailGiven"
    assert subscription["Properties"] == {"TopicArn": {"Ref": topic}, "Protocol": "email",
                                          "Endpoint": {"Ref": "OperatorEmail"}}
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": topic}


def test_lambda_errors_and_throttles_alarm_on_the_zappa_function(resources):
    function = resources["FunctionLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"][1]["Name"]
    for name, metric in (("FunctionErrorAlarm", "Errors"), ("FunctionThrottleAlarm", "Throttles")):
        props = resources[name]["Properties"]
        assert (props["Namespace"], props["MetricName"], props["Statistic"]) == ("AWS/Lambda", metric, "Sum")
        assert props["Dimensions"] == [{"Name": "FunctionName", "Value": function}]
        assert (props["Threshold"], props["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")


@pytest.mark.parametrize("stage", STAGES)
def test_the_sweeper_not_running_for_two_of_its_periods_raises_an_alarm(resources, stage):
    (schedule,) = [e for e in zappa_stage(stage)["events"] if e["function"] == "functions.deadlines.handler"]
    minutes = int(re.fullmatch(r"rate\((\d+) minutes\)", schedule["expression"]).group(1))
    props = resources["SweeperSilentAlarm"]["Properties"]
    assert props["Period"] == minutes * 60
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (2, 2)
    assert (props["Statistic"], props["Threshold"], props["ComparisonOperator"]) == ("Sum", 1, "LessThanThreshold")
    assert props["TreatMissingData"] == "breaching"  # no line at all is the sweeper not running
    (transformation,) = resources["SweepRunMetricFilter"]["Properties"]["MetricTransformations"]
    assert transformation["MetricName"] == props["MetricName"] and "DefaultValue" not in transformation


def test_the_sms_failure_rate_alarm_divides_failures_by_attempts(template, resources):
    props = resources["SmsFailureRateAlarm"]["Properties"]
    metrics = {m["Id"]: m for m in props["Metrics"]}
    assert metrics["sent"]["MetricStat"]["Metric"]["MetricName"] == "SmsSent"
    assert metrics["failed"]["MetricStat"]["Metric"]["MetricName"] == "SmsFailed"
    assert [m["Id"] for m in props["Metrics"] if m["ReturnData"]] == ["rate"]
    assert "100 * FILL(failed, 0) / (FILL(sent, 0) + FILL(failed, 0))" in metrics["rate"]["Expression"]
    assert props["Threshold"] == {"Ref": "SmsFailurePercent"} and props["ComparisonOperator"] == "GreaterThanThreshold"
    assert template["Parameters"]["SmsFailurePercent"]["Default"] == 20


# The metric filters read the JSON lines the code writes: each pattern is tried on lines the
# portal really logs (a sweep with a breach, a dry run, an SMS sent and one failed). The
# evaluator below covers the filter syntax the template uses: { $.f = "v" }, $.f > n,
# $.f IS FALSE, &&, || and parentheses.


def _matches(pattern: str, event: dict) -> bool:
    tokens = re.findall(r'\(|\)|&&|\|\||\$\.\w+|"[^"]*"|IS|FALSE|TRUE|[=><!]+|-?\d+(?:\.\d+)?', pattern.strip()[1:-1])
    position = 0

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def term():
        if tokens[position] == "(":
            take()
            value = disjunction()
            assert take() == ")"
            return value
        field, operator, operand = take()[2:], take(), take()
        value = event.get(field)
        if operator == "IS":
            return value is (operand == "TRUE")
        operand = operand[1:-1] if operand.startswith('"') else float(operand)
        if operator == "=":
            return value == operand
        return isinstance(value, (int, float)) and {">": value > operand, "<": value < operand}[operator]

    def conjunction():
        value = term()
        while position < len(tokens) and tokens[position] == "&&":
            take()
            value = term() and value
        return value

    def disjunction():
        value = conjunction()
        while position < len(tokens) and tokens[position] == "||":
            take()
            value = conjunction() or value
        return value

    result = disjunction()
    assert position == len(tokens), pattern
    return result


@pytest.fixture
def logged_events(deps, clock):
    """The JSON lines of a real sweep that escalates a breach, a dry run, and SMS sent and failed."""
    import logging

    from portal.ports import SmsTemporaryError
    from portal.services import sweeper
    from portal.web.logs import JsonLines, RedactingFilter
    from tests.services.helpers import file

    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.INFO
    try:
        file(deps, phone="13800138000")  # its code is sent
        clock.advance(days=10)
        sweeper.sweep(deps, clock.now(), dry_run=True)
        sweeper.sweep(deps, clock.now())  # breaches escalated
        real_send = deps.sms.send

        def down(*args, **kwargs):
            raise SmsTemporaryError("503")

        deps.sms.send = down
        from portal.services import verification

        complaint = deps.repos.complaints.iterate("county", "K#430225#active").__next__()
        clock.advance(minutes=5)
        verification.resend(deps, complaint, deps.counties.default, "client", clock.now())
        deps.sms.send = real_send
    finally:
        root.removeHandler(handler)
        root.level = level
    return [line for line in lines if "event" in line]


def test_the_metric_filters_count_the_events_the_portal_logs(resources, logged_events):
    def counted(name):
        pattern = resources[name]["Properties"]["FilterPattern"]
        return [e for e in logged_events if _matches(pattern, e)]

    sweeps = [e for e in logged_events if e["event"] == "sweep"]
    assert [e["dry_run"] for e in sweeps] == [True, False]
    assert counted("SweepRunMetricFilter") == [sweeps[1]]  # a dry run is not the sweeper running
    assert counted("BreachMetricFilter") == [sweeps[1]] and sweeps[1]["breaches"] >= 1
    assert resources["BreachMetricFilter"]["Properties"]["MetricTransformations"][0]["MetricValue"] == "$.breaches"
    sent, failed = counted("SmsSentMetricFilter"), counted("SmsFailedMetricFilter")
    assert [e["outcome"] for e in sent] == ["sent"] and [e["outcome"] for e in failed] == ["retry"]
    assert not any(_matches(resources["SmsSentMetricFilter"]["Properties"]["FilterPattern"], e) for e in failed)
