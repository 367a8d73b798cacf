#!/usr/bin/python3
"""unique-chunks.py -- a benchmark input without repeated chunks.

usage: unique-chunks.py SHARED_TOOLS_DIR INDEX OUTPUT [EIDS]

evtx_splice.py draws chunks with replacement, weighted by how many events
of interest they hold, so its 256 MiB files repeat the richest chunks
dozens of times.  Matching keeps a memo of per-value work, which such
repetition flatters.  This writes every distinct chunk of the same pool
(chunks holding any of EIDS, default Security 4688 and Sysmon 1/3/7) once,
renumbered, with evtx_splice.py's own pool filter, chunk checks and
writer pieces: real logs, with only the repetition they have themselves.
INDEX is the chunk index evtx_splice.py built (--index).
"""
import argparse
import json
import os
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    tools, index_path, output = sys.argv[1:4]
    eids = sys.argv[4] if len(sys.argv) == 5 else \
        "security:4688,sysmon:1,sysmon:3,sysmon:7"
    sys.path.insert(0, tools)
    import evtx_splice as S  # noqa: E402
    import evtxlib as E  # noqa: E402

    with open(index_path) as fh:
        index = json.load(fh)
    args = argparse.Namespace(
        only_with_eids=eids, only_providers=None, provider_fraction=1.0,
        min_matches=1, min_match_fraction=0.0, min_records=1, min_fill=0.0,
        weighting="matches", balance=False, no_renumber=False,
        no_xml_id_rewrite=False)
    pool = S.select_pool(index, args)
    if not pool:
        sys.stderr.write("unique-chunks: empty pool\n")
        return 1
    next_id = 1
    tmp = output + ".part"
    with open(tmp, "wb") as out:
        out.write(b"\0" * E.FILE_HEADER_SIZE)
        for _sha, rec, _w, _g in pool:
            raw = S.load_chunk_bytes(rec)
            ok, reason, info = E.check_chunk(raw)
            if not ok:
                sys.stderr.write("unique-chunks: %s: %s\n" %
                                 (rec["sources"][0], reason))
                return 1
            ch = bytearray(raw)
            n, _x = E.renumber_chunk(ch, next_id, info["record_offsets"],
                                     rewrite_xml_id=True)
            out.write(ch)
            next_id += n
        out.seek(0)
        out.write(E.build_file_header(len(pool), next_id, flags=0))
    os.replace(tmp, output)
    sys.stderr.write("unique-chunks: %s: %d chunks, %d records\n" %
                     (output, len(pool), next_id - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
