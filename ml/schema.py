"""The feature schema comes from Swift (`solarb features schema`); Python never redefines it."""
import json
import subprocess


class Schema:
    def __init__(self, doc):
        self.doc = doc
        self.version = int(doc["version"])
        self.metadata_key = doc["metadata_key"]
        self.data_source_key = doc["data_source_key"]
        self.features = sorted(doc["features"], key=lambda f: f["index"])
        self.names = [f["name"] for f in self.features]
        assert [f["index"] for f in self.features] == list(range(len(self.features))), "schema indices not dense"
        assert all(f["type"] == "float32" for f in self.features), "only float32 features are supported"

    def __len__(self):
        return len(self.features)

    def index(self, name):
        return self.names.index(name)


def load_schema(path=None, solarb=None):
    """Reads the schema JSON from a file, or runs `solarb features schema`."""
    if path:
        with open(path) as f:
            return Schema(json.load(f))
    out = subprocess.run([solarb or "solarb", "features", "schema"], check=True, capture_output=True, text=True)
    return Schema(json.loads(out.stdout))
