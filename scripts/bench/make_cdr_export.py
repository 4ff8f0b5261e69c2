"""Writes a 10,000-record export_cdr.php answer built from fakepbx's default dataset, for scripts/bench/schema."""
import json
import subprocess
import sys
import uuid

binary, out = sys.argv[1], sys.argv[2]
dataset = json.loads(subprocess.check_output([binary, "data", "export"]))
domains = {d["domain_name"]: d["domain_uuid"] for d in dataset["domains"]}
records = []
i = 0
while len(records) < 10000:
    for cdr in dataset["cdrs"]:
        if len(records) == 10000:
            break
        i += 1
        billsec = max(0, cdr["end_epoch"] - cdr["answer_epoch"]) if cdr.get("answer_epoch", 0) > 0 else 0
        records.append({
            "xml_cdr_uuid": str(uuid.UUID(int=i, version=4)), "domain_uuid": domains[cdr["domain_name"]],
            "extension_uuid": None, "domain_name": cdr["domain_name"], "direction": cdr["direction"],
            "caller_id_name": cdr.get("caller_id_name", ""), "caller_id_number": cdr["caller_id_number"],
            "destination_number": cdr["destination_number"], "start_epoch": cdr["start_epoch"],
            "answer_epoch": cdr.get("answer_epoch", 0), "end_epoch": cdr["end_epoch"],
            "start_stamp": "2026-11-16 13:02:11+00", "answer_stamp": "2026-11-16 13:02:20+00", "end_stamp": "2026-11-16 13:05:11+00",
            "billsec": billsec, "duration": billsec, "billmsec": billsec * 1000, "pdd_ms": cdr.get("pdd_ms", 0),
            "rtp_audio_in_mos": cdr.get("rtp_audio_in_mos"), "missed_call": False,
            "status": "answered" if billsec > 0 else "no_answer", "hangup_cause": cdr["hangup_cause"],
            "hangup_cause_q850": 16, "leg": "a",
        })
json.dump({"status": "success", "message": "CDR export completed", "total_records": len(records),
           "date_range": "2026-11-16 to 2026-11-22", "export_format": "JSON", "records": records}, open(out, "w"))
