{
  "targets": [{
    "target_name": "crc64nvme",
    "sources": ["crc64nvme.c"],
    "cflags": ["-O3"]
  }]
}
