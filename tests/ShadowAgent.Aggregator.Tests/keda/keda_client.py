#!/usr/bin/python3
"""An independent KEDA external-scaler client: what KEDA's operator does against a scaler, from Python.

Builds its stubs at run time from the externalscaler.proto given (grpc_tools.protoc, Debian's
python3-grpc-tools), then calls GetMetricSpec, IsActive, StreamIsActive (first answer), GetMetrics with the
scaler metadata given, and one call without the required metadata. Prints one JSON object per call on stdout.
Exit 3 when the Python gRPC packages are missing (the C# test fails on it, it does not skip).

usage: keda_client.py <host:port> <externalscaler.proto> <key=value>...
"""
import json
import os
import sys
import tempfile

try:
    import grpc
    from grpc_tools import protoc
except ImportError as error:  # the test must fail, naming what to install
    print(f"missing python3-grpcio / python3-grpc-tools: {error}", file=sys.stderr)
    sys.exit(3)


def build_stubs(proto_path):
    out = tempfile.mkdtemp(prefix="keda-stubs-")
    include = os.path.dirname(os.path.abspath(proto_path))
    code = protoc.main(["protoc", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}",
                        os.path.basename(proto_path)])
    if code != 0:
        print(f"protoc failed with {code}", file=sys.stderr)
        sys.exit(4)
    sys.path.insert(0, out)
    import externalscaler_pb2
    import externalscaler_pb2_grpc
    return externalscaler_pb2, externalscaler_pb2_grpc


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    address, proto_path = sys.argv[1], sys.argv[2]
    metadata = dict(arg.split("=", 1) for arg in sys.argv[3:])
    pb, rpc = build_stubs(proto_path)
    with grpc.insecure_channel(address) as channel:
        stub = rpc.ExternalScalerStub(channel)
        ref = pb.ScaledObjectRef(name="checkout", namespace="shop", scalerMetadata=metadata)

        spec = stub.GetMetricSpec(ref, timeout=10)
        specs = [{"metricName": s.metricName, "targetSize": s.targetSize, "targetSizeFloat": s.targetSizeFloat}
                 for s in spec.metricSpecs]
        print(json.dumps({"call": "GetMetricSpec", "metricSpecs": specs}))

        active = stub.IsActive(ref, timeout=10)
        print(json.dumps({"call": "IsActive", "result": active.result}))

        stream = stub.StreamIsActive(ref, timeout=10)
        first = next(iter(stream))
        stream.cancel()
        print(json.dumps({"call": "StreamIsActive", "result": first.result}))

        name = specs[0]["metricName"]
        metrics = stub.GetMetrics(pb.GetMetricsRequest(scaledObjectRef=ref, metricName=name), timeout=10)
        values = [{"metricName": v.metricName, "metricValue": v.metricValue, "metricValueFloat": v.metricValueFloat}
                  for v in metrics.metricValues]
        print(json.dumps({"call": "GetMetrics", "metricValues": values}))

        try:
            stub.GetMetrics(pb.GetMetricsRequest(scaledObjectRef=pb.ScaledObjectRef(name="x"), metricName=name), timeout=10)
            print(json.dumps({"call": "GetMetricsWithoutStream", "code": "OK"}))
        except grpc.RpcError as error:
            print(json.dumps({"call": "GetMetricsWithoutStream", "code": error.code().name, "details": error.details()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
