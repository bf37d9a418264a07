// SentencePiece behind the C interface of tokenizer.h: the project's only
// C++. Built when pkg-config finds sentencepiece (see core/CMakeLists.txt).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "io/tokenizer.h"
#include "util/fsutil.h"
#include "util/outfile.h"
}

struct lms_tokenizer {
    sentencepiece::SentencePieceProcessor sp;
};

static bool ends_with(const std::string &s, const char *suffix) {
    size_t k = strlen(suffix);
    return s.size() >= k && s.compare(s.size() - k, k, suffix) == 0;
}

extern "C" int lms_tok_available(void) { return 1; }
extern "C" const char *lms_tok_feature(void) { return "sentencepiece"; }

// "" when the serialized model parses with vocab pieces, else what is
// wrong
static std::string parses_whole(const std::string &model, int vocab) {
    sentencepiece::SentencePieceProcessor sp;
    auto st = sp.LoadFromSerializedProto(model);
    if (!st.ok())
        return "the trained model does not parse: " + st.ToString();
    if (sp.GetPieceSize() != vocab)
        return "the trained model has " + std::to_string(sp.GetPieceSize()) +
               " of its " + std::to_string(vocab) + " pieces";
    return "";
}

// the vocabulary list SentencePiece would write beside the model: a line
// per piece, "piece<TAB>score"
static std::string vocab_list(const std::string &model) {
    sentencepiece::SentencePieceProcessor sp;
    std::string out;
    if (!sp.LoadFromSerializedProto(model).ok())
        return out;
    char score[64];
    for (int i = 0; i < sp.GetPieceSize(); i++) {
        snprintf(score, sizeof score, "%g", (double)sp.GetScore(i));
        out += sp.IdToPiece(i) + "\t" + score + "\n";
    }
    return out;
}

// The text's lines, as SentencePiece's own file reader gives them
// (std::getline: split at '\n', nothing else stripped). Fed through this,
// the trainer records no input path in the model.
class LineIterator : public sentencepiece::SentenceIterator {
  public:
    explicit LineIterator(const char *path) : in_(path, std::ios::binary) {
        Next();
    }
    bool done() const override { return done_; }
    void Next() override { done_ = !std::getline(in_, line_); }
    const std::string &value() const override { return line_; }
    sentencepiece::util::Status status() const override {
        if (in_.bad())
            return sentencepiece::util::Status(
                sentencepiece::util::StatusCode::kDataLoss,
                "a read error in the text");
        return sentencepiece::util::Status();
    }

  private:
    std::ifstream in_;
    std::string line_;
    bool done_ = false;
};

extern "C" int lms_tok_train(const char *input, const char *out, int vocab,
                             const char *type, char *err, size_t errlen) {
    std::string o(out);
    if (!ends_with(o, ".model") || o.size() == 6)
        return lms_errf(err, errlen, "%s: a tokenizer's file name must end in "
                    "\".model\"", out);
    if (strcmp(type, "bpe") != 0 && strcmp(type, "unigram") != 0)
        return lms_errf(err, errlen, "tokenizer type must be bpe or unigram (got "
                    "'%s')", type);
    if (vocab < 260 || vocab > 1 << 24)
        return lms_errf(err, errlen, "tokenizer vocabulary must be 260 to %d "
                    "(the 256 byte pieces and <unk> come first; got %d)",
                    1 << 24, vocab);
    // a regular, non-empty file: SentencePiece blocks on a FIFO, throws on
    // a directory and names only its own source line for an empty file
    struct stat st_in;
    int fd = lms_open_regular(input, &st_in, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    if (st_in.st_size == 0)
        return lms_errf(err, errlen, "%s: empty: nothing to train a tokenizer "
                        "on", input);
    // The model records its trainer's options, the input path and the
    // model prefix among them. Trained into memory (nothing written by
    // SentencePiece, so no prefix) from the lines of the text (no input
    // path): the same text gives the same bytes wherever and whenever it
    // is trained (a temporary name with a process id made each model
    // unique), and no machine's path is written.
    std::string prefix = o.substr(0, o.size() - 6);
    LineIterator lines(input);
    std::string args = "--vocab_size=" + std::to_string(vocab) +
        " --model_type=" + type +
        " --normalization_rule_name=identity --remove_extra_whitespaces=false"
        " --add_dummy_prefix=false --byte_fallback=true"
        " --allow_whitespace_only_pieces=true --split_digits=true"
        " --character_coverage=0.9995 --max_sentence_length=65536"
        " --num_threads=1 --bos_id=-1 --eos_id=-1 --pad_id=-1 --unk_id=0"
        " --input_sentence_size=10000000 --shuffle_input_sentence=true"
        " --minloglevel=2";
    // its sampling of large inputs draws from this: same input, same model
    sentencepiece::SetRandomGeneratorSeed(20241130);
    // the trainer logs its command line before it reads --minloglevel:
    // keep stderr for our own messages (its errors come back in st)
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && devnull >= 0)
        dup2(devnull, 2);
    std::string model;
    auto st = sentencepiece::SentencePieceTrainer::Train(args, &lines, &model);
    if (saved >= 0 && devnull >= 0)
        dup2(saved, 2);
    if (saved >= 0)
        close(saved);
    if (devnull >= 0)
        close(devnull);
    if (!st.ok()) {
        // its two vocabulary limits, in lmstab's terms (its own message
        // names trainer options lmstab does not have)
        const std::string m = st.ToString();
        size_t at;
        long a = 0, b = 0;
        if ((at = m.find("smaller than required_chars.")) != std::string::npos &&
            sscanf(m.c_str() + at + 28, " %ld vs %ld", &a, &b) == 2)
            return lms_errf(err, errlen, "%s: --vocab %d is too small: this "
                            "text needs %ld pieces for its characters, the 256 "
                            "bytes and <unk>; give --vocab %ld or more", input,
                            vocab, b, b);
        if ((at = m.find("set it to a value <=")) != std::string::npos &&
            sscanf(m.c_str() + at + 20, " %ld", &b) == 1)
            return lms_errf(err, errlen, "%s: --vocab %d is too large: this "
                            "text gives at most %ld pieces; give --vocab %ld "
                            "or less (or more text)", input, vocab, b, b);
        return lms_errf(err, errlen, "%s: SentencePiece could not train a %s "
                    "tokenizer of %d pieces: %s", input, type, vocab,
                    m.c_str());
    }
    std::string why = parses_whole(model, vocab);
    if (!why.empty())
        return lms_errf(err, errlen, "%s: %s", out, why.c_str());
    // both files whole or neither (a full disk leaves the old ones)
    const std::string list = vocab_list(model);
    const std::string vpath = prefix + ".vocab";
    lms_out files[2];
    memset(files, 0, sizeof files);
    FILE *fm = lms_out_open(&files[0], out, err, errlen);
    if (!fm)
        return -1;
    FILE *fv = lms_out_open(&files[1], vpath.c_str(), err, errlen);
    if (!fv) {
        lms_out_abort(&files[0]);
        return -1;
    }
    const std::string *text[2] = {&model, &list};
    FILE *f[2] = {fm, fv};
    for (int i = 0; i < 2; i++) {
        errno = 0;
        if (fwrite(text[i]->data(), 1, text[i]->size(), f[i]) !=
            text[i]->size()) { /* the reason now: the stream keeps none */
            const int e = errno;
            lms_errf(err, errlen, "%s: cannot write: %s", files[i].path,
                     e ? strerror(e) : "write error");
            lms_out_abort(&files[0]);
            lms_out_abort(&files[1]);
            return -1;
        }
    }
    return lms_out_commit_all(files, 2, err, errlen);
}

extern "C" lms_tokenizer *lms_tok_load(const char *path, char *err,
                                       size_t errlen) {
    lms_tokenizer *t = new (std::nothrow) lms_tokenizer;
    if (!t) {
        lms_errf(err, errlen, "%s: out of memory", path);
        return nullptr;
    }
    // SentencePiece throws on a directory and would block on a FIFO
    struct stat st_m;
    int fd = lms_open_regular(path, &st_m, err, errlen);
    if (fd < 0) {
        delete t;
        return nullptr;
    }
    close(fd);
    sentencepiece::util::Status st;
    try {
        st = t->sp.Load(path);
    } catch (const std::exception &e) {
        lms_errf(err, errlen, "%s: not a SentencePiece model: %s", path,
                 e.what());
        delete t;
        return nullptr;
    }
    if (!st.ok()) {
        lms_errf(err, errlen, "%s: not a SentencePiece model: %s", path,
             st.ToString().c_str());
        delete t;
        return nullptr;
    }
    return t;
}

extern "C" void lms_tok_free(lms_tokenizer *t) { delete t; }

extern "C" int lms_tok_vocab(const lms_tokenizer *t) {
    return t->sp.GetPieceSize();
}

extern "C" int lms_tok_encode(const lms_tokenizer *t, const char *text,
                              size_t len, int32_t **ids, size_t *n, char *err,
                              size_t errlen) {
    *ids = nullptr;
    *n = 0;
    std::vector<int> v;
    try {
        auto st = t->sp.Encode(std::string(text, len), &v);
        if (!st.ok())
            return lms_errf(err, errlen, "encoding failed: %s",
                        st.ToString().c_str());
    } catch (const std::bad_alloc &) {
        return lms_errf(err, errlen, "encoding %zu bytes: out of memory", len);
    }
    *ids = static_cast<int32_t *>(malloc((v.size() ? v.size() : 1) *
                                         sizeof **ids));
    if (!*ids)
        return lms_errf(err, errlen, "encoding %zu bytes: out of memory", len);
    for (size_t i = 0; i < v.size(); i++)
        (*ids)[i] = v[i];
    *n = v.size();
    return 0;
}

extern "C" int lms_tok_decode(const lms_tokenizer *t, const int32_t *ids,
                              size_t n, char **out, size_t *len, char *err,
                              size_t errlen) {
    *out = nullptr;
    *len = 0;
    const int vocab = t->sp.GetPieceSize();
    std::vector<int> v(n);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= vocab)
            return lms_errf(err, errlen, "token %zu is %d, outside the "
                        "tokenizer's vocabulary of %d", i, ids[i], vocab);
        v[i] = ids[i];
    }
    std::string s;
    auto st = t->sp.Decode(v, &s);
    if (!st.ok())
        return lms_errf(err, errlen, "decoding failed: %s", st.ToString().c_str());
    *out = static_cast<char *>(malloc(s.size() + 1));
    if (!*out)
        return lms_errf(err, errlen, "decoding: out of memory");
    memcpy(*out, s.data(), s.size());
    (*out)[s.size()] = '\0';
    *len = s.size();
    return 0;
}

extern "C" int lms_tok_piece_bytes(const lms_tokenizer *t, uint32_t *bytes,
                                   int vocab, char *err, size_t errlen) {
    if (vocab != t->sp.GetPieceSize())
        return lms_errf(err, errlen, "the model's vocabulary is %d but the "
                    "tokenizer has %d pieces", vocab, t->sp.GetPieceSize());
    for (int id = 0; id < vocab; id++) {
        if (t->sp.IsControl(id) || t->sp.IsUnknown(id)) {
            bytes[id] = 0;
            continue;
        }
        if (t->sp.IsByte(id)) { // alone it would decode to U+FFFD
            bytes[id] = 1;
            continue;
        }
        // one piece decoded alone: "▁" counts as the space it stands for
        std::string s;
        if (!t->sp.Decode(std::vector<int>{id}, &s).ok())
            return lms_errf(err, errlen, "piece %d does not decode", id);
        bytes[id] = static_cast<uint32_t>(s.size());
    }
    return 0;
}
