"""infra/template.yaml: valid CloudFormation (cfn-lint), the table the code defines
(portal/store/schema.py), names that agree with zappa_settings.json, and least privilege."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal.store.schema import TABLE, dynamodb_table_definition

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


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


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_default_names_match_the_zappa_stage(template, resources, stage):
    zappa = json.loads((ROOT / "zappa_settings.json").read_text())
    env = zappa[stage]["environment_variables"]
    table_name = resources["Table"]["Properties"]["TableName"]["Fn::Sub"].replace("${Stage}", stage)
    assert table_name == env["PORTAL_DYNAMODB_TABLE"]
    secrets = resources["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    prefix = next(s for s in secrets if s["Sid"] == "Secrets")["Resource"]["Fn::Sub"][1]["Prefix"]
    assert prefix["Fn::If"][2]["Fn::Sub"].replace("${Stage}", stage) == env["PORTAL_SSM_PREFIX"]
    log_group = resources["FunctionLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"][1]["Name"]
    assert log_group["Fn::If"][2]["Fn::Sub"].replace("${Stage}", stage) == f"{zappa['dev']['project_name']}-{stage}"
    assert set(template["Parameters"]) == {"Stage", "FunctionName", "PortalOrigin", "SsmPrefix"}


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
            granted[statement["Sid"]] = (sorted(actions), targets)
    assert granted["UploadAndEvidenceObjects"][1] == [
        {"Fn::Sub": "${IncomingBucket.Arn}/incoming/*"}, {"Fn::Sub": "${EvidenceBucket.Arn}/evidence/*"}]
    assert granted["DataKey"] == (["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                                  [{"Fn::GetAtt": ["PortalKey", "Arn"]}])
    assert granted["IndexQueries"] == (["dynamodb:Query"], [{"Fn::Sub": "${Table.Arn}/index/*"}])
    assert granted["Secrets"][0] == ["ssm:GetParameters"]
    assert set(granted) == {"TableItems", "IndexQueries", "UploadAndEvidenceObjects", "DataKey", "Secrets", "OwnLogs"}


def test_buckets_are_private_encrypted_and_tls_only(resources):
    buckets = of_type(resources, "AWS::S3::Bucket")
    assert set(buckets) == {"IncomingBucket", "EvidenceBucket"}
    policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
                for p in of_type(resources, "AWS::S3::BucketPolicy").values()}
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, name
        assert len(props["PublicAccessBlockConfiguration"]) == 4, name
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                          "KMSMasterKeyID": {"Fn::GetAtt": ["PortalKey", "Arn"]}},
                        "BucketKeyEnabled": True}, name
        (deny,) = policies[name]
        assert (deny["Effect"], deny["Action"], deny["Condition"]) == (
            "Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}}), name


def test_raw_uploads_expire_after_a_day_and_only_the_portal_may_post_them(resources):
    props = resources["IncomingBucket"]["Properties"]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["Prefix"], rule["ExpirationInDays"]) == ("Enabled", "incoming/", 1)
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert (cors["AllowedMethods"], cors["AllowedOrigins"]) == (["POST"], [{"Ref": "PortalOrigin"}])


def test_sweeper_errors_raise_an_alarm(resources):
    (metric_filter,) = of_type(resources, "AWS::Logs::MetricFilter").values()
    props = metric_filter["Properties"]
    assert props["FilterPattern"] == '"SWEEP_ERROR"'
    assert props["LogGroupName"] == {"Ref": "FunctionLogGroup"}
    (transformation,) = props["MetricTransformations"]
    (alarm,) = of_type(resources, "AWS::CloudWatch::Alarm").values()
    assert (alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) == (
        transformation["MetricNamespace"], transformation["MetricName"])
    assert alarm["Properties"]["Threshold"] == 1
    assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
