"""BPE tokenizer (Hugging Face `tokenizers`) trained on the NeuroShapes caption/QA corpus, and the
prompt formats shared by the text encoder and the language model."""
from __future__ import annotations

import json
import os

from .common import CACHE
from . import neuroshapes as ns

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
CAPTION_PROMPT = "caption:"


def qa_prompt(q):
    return f"question: {q} answer:"


def corpus_lines():
    imgs, attrs = ns.make_stimuli(3000, 424242, "any")
    lines = []
    for a in attrs:
        lines.append(f"{CAPTION_PROMPT} {a['caption']}")
        for q, ans in a["qa"]:
            lines.append(f"{qa_prompt(q)} {ans}")
    return lines


def train_tokenizer(path=None, vocab_size=320):
    from tokenizers import Tokenizer, models, trainers, pre_tokenizers, decoders, normalizers
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, min_frequency=1,
                                  show_progress=False)
    tok.train_from_iterator(corpus_lines(), trainer)
    assert [tok.token_to_id(s) for s in SPECIALS] == [PAD, BOS, EOS, UNK]
    path = path or os.path.join(CACHE, "tokenizer.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tok.save(path)
    return tok


def load_tokenizer(path=None):
    from tokenizers import Tokenizer
    path = path or os.path.join(CACHE, "tokenizer.json")
    if not os.path.exists(path):
        return train_tokenizer(path)
    return Tokenizer.from_file(path)


def encode(tok, text, bos=True, eos=False):
    ids = tok.encode(text).ids
    return ([BOS] if bos else []) + ids + ([EOS] if eos else [])


if __name__ == "__main__":
    t = train_tokenizer()
    print(t.get_vocab_size(), t.encode("caption: a small red circle left of a large blue square").tokens)
    print(json.dumps(t.encode(qa_prompt("what colour is the star?") + " red").ids))
