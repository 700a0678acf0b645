"""kafka-python checks the CRC32C of every record batch it fetches and computes it for every batch
it produces; it does so in C only when the `crc32c` package (requirements.txt) is importable, and
silently falls back to pure Python otherwise (about 2,000 times slower: 7 % of a verification
worker's time in the benchmark's profile)."""
import os

from kafka.record import util
from kafka.record._crc32c import crc as pure_python_crc32c


def test_kafka_python_uses_the_c_crc32c():
    assert util._crc32c is not pure_python_crc32c


def test_it_gives_the_same_checksums():
    data = os.urandom(4096)
    assert util.calc_crc32c(data) == pure_python_crc32c(data)
