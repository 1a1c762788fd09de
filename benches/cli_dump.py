#!/usr/bin/env python3
"""An `aws inspector2 list-findings` dump, as the AWS CLI prints it, from a generator
that shares no code with this project's own (`benches/src`).

    benches/cli_dump.py [--mb 200] [--seed 1] [--compact] [-o FILE]

The AWS CLI merges every page into one `{"findings": [...]}` document and prints it with
`json.dumps(indent=4, ensure_ascii=False)`: 4-space indent, `,` at line ends, `": "`,
non-ASCII text as UTF-8, timestamps as `datetime.isoformat()` in the caller's time zone
(here Central European, +01:00 or +02:00 with daylight saving time taken as April to
October, and no fraction when a timestamp has none). Member order is the service's,
which is alphabetical.

The findings mix the three kinds Inspector reports: package vulnerabilities on ECR
images, EC2 instances and Lambda functions (1 to 12 packages), network reachability on
EC2 instances, and code vulnerabilities in Lambda functions. Package and code findings
have long descriptions (300 to 3,000 characters, some with newlines, quotes,
backslashes and non-ASCII text), as NVD's are. A few findings have more than one
resource. `--compact` writes the same stream of findings as compact pages of 100
(`{"findings":[...],"nextToken":"..."}`, one page per line), as SDK scripts save them.
The output depends only on --mb and --seed, on any Python 3 (see `Rng`).
"""

import argparse
import datetime
import json
import random
import sys

WORDS = (
    "a flaw was found in the kernel driver that allows local attackers to cause a denial "
    "of service memory corruption use-after-free out-of-bounds read write heap buffer overflow "
    "when processing crafted packets via the netfilter subsystem in versions before the fix "
    "an unauthenticated remote attacker could exploit this vulnerability to execute arbitrary "
    "code with the privileges of the affected process the issue is caused by improper "
    "validation of user supplied input in the parser which may lead to information disclosure "
    "integer overflow in the allocation size computation results in a NULL pointer dereference "
    "this affects all releases of the library prior to the patched version and was reported "
    "by the maintainers through the coordinated disclosure process of the project"
).split()

SENTENCE_EXTRAS = (
    'The function "parse_header()" does not check the length field.',
    "See C:\\Program Files\\Vendor\\bin\\agent.exe for the affected Windows component.",
    "Reported by Jürgen Müller and Zoë Ñúñez — thanks to both.",
    "In the Linux kernel, the following vulnerability has been resolved:\n\nnet: fix a race.",
    "The regular expression `^(a+)+$` takes exponential time on inputs like 'aaaa…!'.",
    "Versions 2.x < 2.17.1 and 3.x < 3.0.4 are affected; upgrade to a fixed release.",
    "Tab\tseparated\tvalues and a trailing backslash \\",
)

PACKAGES = (
    ("linux", "OS", "apt-get update && apt-get upgrade"),
    ("openssl", "OS", "yum update openssl"),
    ("glibc", "OS", "yum update glibc"),
    ("libxml2", "OS", "apt-get update && apt-get upgrade"),
    ("golang.org/x/net", "GOBINARY", None),
    ("github.com/docker/docker", "GOBINARY", None),
    ("requests", "PIP", None),
    ("urllib3", "PIP", None),
    ("lodash", "NPM", None),
    ("log4j-core", "JAR", None),
    ("jackson-databind", "JAR", None),
    ("nokogiri", "GEMV2", None),
)

REGIONS = ("us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
PLATFORMS = ("AMAZON_LINUX_2", "AMAZON_LINUX_2023", "UBUNTU_22_04", "DEBIAN_12", "ALPINE_3_19")
RUNTIMES = ("PYTHON_3_11", "NODEJS_18_X", "JAVA_17", "PYTHON_3_9")
STEPS = (
    ("igw-", "AWS::EC2::InternetGateway"),
    ("acl-", "AWS::EC2::NetworkAcl"),
    ("sg-", "AWS::EC2::SecurityGroup"),
    ("eni-", "AWS::EC2::NetworkInterface"),
    ("i-", "AWS::EC2::Instance"),
)
DETECTORS = (
    ("python/log-injection@v1.0", "Log injection", ["CWE-117", "CWE-93"], "app.py"),
    ("python/sql-injection@v1.0", "SQL injection", ["CWE-89"], "db.py"),
    ("javascript/path-traversal@v1.0", "Path traversal", ["CWE-22"], "index.js"),
    ("java/hardcoded-credentials@v1.0", "Hardcoded credentials", ["CWE-798"], "Handler.java"),
)

BERLIN_STD = datetime.timezone(datetime.timedelta(hours=1))
BERLIN_DST = datetime.timezone(datetime.timedelta(hours=2))


class Rng(random.Random):
    """`random.Random` with every draw made from `random()`, the one method whose sequence
    Python promises to keep from version to version (`randrange`, `choice` and the others
    may change how they use the generator)."""

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq):
        return seq[self.randrange(len(seq))]

    def choices(self, population, weights):
        x = self.random() * sum(weights)
        for item, w in zip(population, weights):
            if x < w:
                return [item]
            x -= w
        return [population[-1]]

    def getrandbits(self, k):
        n = 0
        for _ in range(0, k, 32):
            n = (n << 32) | self.randrange(1 << 32)
        return n >> (-k % 32)


class Gen:
    def __init__(self, seed):
        self.r = Rng(seed)
        self.accounts = ["%012d" % self.r.randrange(10**11, 10**12) for _ in range(20)]
        self.n = 0

    def hex(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def stamp(self, after=1_640_995_200):
        """A second from `after` (epoch seconds) to the end of 2025, as `iso` prints it."""
        return self.iso(self.r.randrange(after, 1_767_225_600))

    def iso(self, secs):
        """An ISO timestamp as the CLI prints a botocore datetime in Europe/Berlin."""
        micros = 0 if self.r.random() < 0.2 else self.r.randrange(1000) * 1000
        utc = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc)
        dst = 4 <= utc.month <= 10
        local = utc.astimezone(BERLIN_DST if dst else BERLIN_STD)
        return local.replace(microsecond=micros).isoformat()

    def text(self, lo, hi):
        out, size = [], 0
        target = self.r.randrange(lo, hi)
        while size < target:
            if self.r.random() < 0.08:
                s = self.r.choice(SENTENCE_EXTRAS)
            else:
                s = " ".join(self.r.choice(WORDS) for _ in range(self.r.randrange(8, 30)))
                s = s[0].upper() + s[1:] + "."
            out.append(s)
            size += len(s) + 1
        return " ".join(out)

    def cve(self):
        return "CVE-%d-%d" % (self.r.randrange(2014, 2026), self.r.randrange(1000, 60000))

    def cvss(self):
        score = round(self.r.uniform(2.0, 10.0), 1)
        vector = "CVSS:3.1/AV:%s/AC:%s/PR:N/UI:N/S:U/C:H/I:%s/A:H" % (
            self.r.choice("NLAP"),
            self.r.choice("LH"),
            self.r.choice("NLH"),
        )
        return score, vector

    def tags(self):
        return {
            "Name": "web-%d" % self.r.randrange(100),
            "team": self.r.choice(("platform", "payments", "search")),
            "aws:autoscaling:groupName": "eks-prod-%s" % self.hex(8),
        }

    def ec2(self, region, account):
        iid = "i-" + self.hex(17)
        return {
            "details": {
                "awsEc2Instance": {
                    "iamInstanceProfileArn": "arn:aws:iam::%s:instance-profile/node-%s"
                    % (account, self.hex(8)),
                    "imageId": "ami-" + self.hex(17),
                    "ipV4Addresses": [
                        "10.%d.%d.%d" % tuple(self.r.randrange(256) for _ in range(3))
                        for _ in range(self.r.randrange(1, 6))
                    ],
                    "ipV6Addresses": [],
                    "launchedAt": self.stamp(),
                    "platform": self.r.choice(PLATFORMS),
                    "subnetId": "subnet-" + self.hex(17),
                    "type": self.r.choice(("t3.medium", "m5.large", "c6i.xlarge")),
                    "vpcId": "vpc-" + self.hex(17),
                }
            },
            "id": iid,
            "partition": "aws",
            "region": region,
            "tags": self.tags(),
            "type": "AWS_EC2_INSTANCE",
        }

    def ecr(self, region, account):
        repo = self.r.choice(("api", "worker", "frontend", "billing")) + "-service"
        digest = "sha256:" + self.hex(64)
        return {
            "details": {
                "awsEcrContainerImage": {
                    "architecture": "amd64",
                    "author": self.r.choice(("Jürgen Müller <jm@example.test>", "ci-bot", "")),
                    "imageHash": digest,
                    "imageTags": ["v%d.%d.%d" % tuple(self.r.randrange(20) for _ in range(3))],
                    "inUseCount": self.r.randrange(0, 40),
                    "lastInUseAt": self.stamp(),
                    "platform": self.r.choice(PLATFORMS),
                    "pushedAt": self.stamp(),
                    "registry": account,
                    "repositoryName": repo,
                }
            },
            "id": "arn:aws:ecr:%s:%s:repository/%s/%s" % (region, account, repo, digest),
            "partition": "aws",
            "region": region,
            "tags": {},
            "type": "AWS_ECR_CONTAINER_IMAGE",
        }

    def lambda_(self, region, account):
        name = "fn-%s" % self.hex(6)
        return {
            "details": {
                "awsLambdaFunction": {
                    "architectures": ["X86_64"],
                    "codeSha256": self.hex(44),
                    "executionRoleArn": "arn:aws:iam::%s:role/%s-role" % (account, name),
                    "functionName": name,
                    "lastModifiedAt": self.stamp(),
                    "layers": [
                        "arn:aws:lambda:%s:%s:layer:deps:%d"
                        % (region, account, self.r.randrange(1, 30))
                    ],
                    "packageType": "ZIP",
                    "runtime": self.r.choice(RUNTIMES),
                    "version": "$LATEST",
                    "vpcConfig": {
                        "securityGroupIds": ["sg-" + self.hex(17)],
                        "subnetIds": ["subnet-" + self.hex(17)],
                        "vpcId": "vpc-" + self.hex(17),
                    },
                }
            },
            "id": "arn:aws:lambda:%s:%s:function:%s:$LATEST" % (region, account, name),
            "partition": "aws",
            "region": region,
            "tags": {"team": "payments"},
            "type": "AWS_LAMBDA_FUNCTION",
        }

    def package(self, kind):
        name, manager, remediation = self.r.choice(PACKAGES)
        version = "%d.%d.%d" % tuple(self.r.randrange(30) for _ in range(3))
        pkg = {
            "epoch": 0,
            "fixedInVersion": "%s.1" % version,
            "name": name,
            "packageManager": manager,
            "version": version,
        }
        if manager == "OS":
            pkg["arch"] = "X86_64"
            pkg["release"] = "%d.amzn2" % self.r.randrange(1, 9)
            pkg["remediation"] = remediation
        if kind == "AWS_ECR_CONTAINER_IMAGE":
            pkg["sourceLayerHash"] = "sha256:" + self.hex(64)
        elif manager != "OS":
            pkg["filePath"] = "/usr/local/lib/%s/%s" % (manager.lower(), name.replace("/", "_"))
        return pkg

    def common(self, account, region):
        self.n += 1
        first = self.r.randrange(1_640_995_200, 1_767_000_000)
        status = self.r.choices(("ACTIVE", "CLOSED", "SUPPRESSED"), (80, 15, 5))[0]
        return {
            "awsAccountId": account,
            "findingArn": "arn:aws:inspector2:%s:%s:finding/%s" % (region, account, self.hex(32)),
            "firstObservedAt": self.iso(first),
            "lastObservedAt": self.stamp(after=first),
            "severity": self.r.choice(("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")),
            "status": status,
            "updatedAt": self.stamp(),
        }

    def package_finding(self, account, region):
        f = self.common(account, region)
        make = self.r.choice((self.ecr, self.ec2, self.lambda_))
        resources = [make(region, account) for _ in range(self.r.choices((1, 2, 3), (90, 7, 3))[0])]
        kind = resources[0]["type"]
        pkgs = [self.package(kind) for _ in range(self.r.randrange(1, 13))]
        vid = self.cve()
        score, vector = self.cvss()
        more = " and %d more" % (len(pkgs) - 1) if len(pkgs) > 1 else ""
        f.update(
            {
                "description": self.text(300, 3000),
                "epss": {"score": round(self.r.uniform(0, 0.9), 5)},
                "exploitAvailable": self.r.choice(("YES", "NO")),
                "fixAvailable": self.r.choice(("YES", "NO", "PARTIAL")),
                "inspectorScore": score,
                "inspectorScoreDetails": {
                    "adjustedCvss": {
                        "adjustments": [],
                        "cvssSource": "NVD",
                        "score": score,
                        "scoreSource": "NVD",
                        "scoringVector": vector,
                        "version": "3.1",
                    }
                },
                "packageVulnerabilityDetails": {
                    "cvss": [
                        {"baseScore": score, "scoringVector": vector, "source": s, "version": "3.1"}
                        for s in ("NVD", "REDHAT_CVE")[: self.r.randrange(1, 3)]
                    ],
                    "referenceUrls": [
                        "https://nvd.nist.gov/vuln/detail/%s" % vid,
                        "https://alas.aws.amazon.com/AL2/ALAS-2025-%d.html"
                        % self.r.randrange(9999),
                    ],
                    "relatedVulnerabilities": [self.cve() for _ in range(self.r.randrange(3))],
                    "source": "NVD",
                    "sourceUrl": "https://nvd.nist.gov/vuln/detail/%s" % vid,
                    "vendorCreatedAt": self.stamp(),
                    "vendorSeverity": self.r.choice(("HIGH", "MEDIUM", "Important", "unimportant")),
                    "vendorUpdatedAt": self.stamp(),
                    "vulnerabilityId": vid,
                    "vulnerablePackages": pkgs,
                },
                "remediation": {"recommendation": {"text": "None Provided"}},
                "resources": resources,
                "title": "%s - %s%s" % (vid, pkgs[0]["name"], more),
                "type": "PACKAGE_VULNERABILITY",
            }
        )
        if f["exploitAvailable"] == "YES":
            f["exploitabilityDetails"] = {"lastKnownExploitAt": self.stamp()}
        return f

    def network_finding(self, account, region):
        f = self.common(account, region)
        ec2 = self.ec2(region, account)
        port = self.r.choice((22, 80, 443, 3389, 5432))
        steps = [
            {"componentId": prefix + self.hex(17), "componentType": kind}
            for prefix, kind in STEPS[: self.r.randrange(3, 6)]
        ]
        f.update(
            {
                "description": "On the instance %s, the port range %d-%d is reachable from the "
                "InternetGateway %s from an attached ENI. %s"
                % (ec2["id"], port, port, steps[0]["componentId"], self.text(100, 600)),
                "fixAvailable": "NO",
                "networkReachabilityDetails": {
                    "networkPath": {"steps": steps},
                    "openPortRange": {"begin": port, "end": port},
                    "protocol": "TCP",
                },
                "remediation": {
                    "recommendation": {
                        "text": "You can restrict access to your instance by modifying the "
                        "Security Groups or ACLs in the network path."
                    }
                },
                "resources": [ec2],
                "title": "Port %d is reachable from an Internet Gateway - TCP" % port,
                "type": "NETWORK_REACHABILITY",
            }
        )
        return f

    def code_finding(self, account, region):
        f = self.common(account, region)
        fn = self.lambda_(region, account)
        detector, name, cwes, file_name = self.r.choice(DETECTORS)
        start = self.r.randrange(1, 400)
        f.update(
            {
                "codeVulnerabilityDetails": {
                    "cwes": cwes,
                    "detectorId": detector,
                    "detectorName": name,
                    "detectorTags": ["injection", "security", "owasp-top10"]
                    + [c.lower() for c in cwes],
                    "filePath": {
                        "endLine": start + self.r.randrange(1, 6),
                        "fileName": file_name,
                        "filePath": "src/handlers/" + file_name,
                        "startLine": start,
                    },
                    "referenceUrls": [
                        "https://cwe.mitre.org/data/definitions/%s.html" % c[4:] for c in cwes
                    ],
                    "ruleId": detector.split("@")[0].replace("/", "-"),
                },
                "description": self.text(300, 1500),
                "fixAvailable": "NO",
                "inspectorScore": self.cvss()[0],
                "remediation": {
                    "recommendation": {"text": "Sanitize user input before it reaches the sink."},
                    "suggestedFixes": [
                        {
                            "code": '@@ -1,2 +1,3 @@\n-logger.info("user=" + name)\n'
                            '+logger.info("user=%s", escape(name))\n',
                            "description": "Escape the value before logging it.",
                        }
                    ],
                },
                "resources": [fn],
                "title": "%s - %s" % (name, file_name),
                "type": "CODE_VULNERABILITY",
            }
        )
        return f

    def finding(self):
        account = self.r.choice(self.accounts)
        region = self.r.choice(REGIONS)
        make = self.r.choices(
            (self.package_finding, self.network_finding, self.code_finding), (75, 15, 10)
        )[0]
        return make(account, region)


def write_cli(gen, target, out):
    """The whole dump as one document, as `aws inspector2 list-findings` prints it."""
    written = out.write('{\n    "findings": [')
    sep = "\n"
    while written < target:
        # Each finding as the CLI prints it inside the list: 8 spaces in, 4 per level.
        text = json.dumps(gen.finding(), indent=4, ensure_ascii=False, sort_keys=True)
        text = sep + "        " + text.replace("\n", "\n        ")
        written += len(text.encode("utf-8"))
        out.write(text)
        sep = ",\n"
    return written + out.write("\n    ]\n}\n")


def write_pages(gen, target, out):
    """The same findings as compact ListFindings pages of 100, one page per line."""
    written = 0
    while written < target:
        page = [gen.finding() for _ in range(100)]
        # The token draws no random numbers, so both layouts hold the same stream of findings.
        doc = {"findings": page, "nextToken": "%032x" % (gen.n * 0x9E3779B97F4A7C15 % 2**128)}
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        written += len(text.encode("utf-8"))
        out.write(text)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=200, help="approximate size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--compact", action="store_true", help="compact pages of 100 findings")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    gen = Gen(args.seed)
    target = int(args.mb * 1_000_000)
    if args.compact:
        written = write_pages(gen, target, out)
    else:
        written = write_cli(gen, target, out)
    out.close()
    print("cli_dump: %d findings, ~%d MB" % (gen.n, written // 1_000_000), file=sys.stderr)


if __name__ == "__main__":
    main()
