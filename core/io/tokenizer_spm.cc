// SentencePiece behind the C interface of tokenizer.h: the project's only
// C++. Built when pkg-config finds sentencepiece (see core/CMakeLists.txt).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "util/fsutil.h"
#include "io/tokenizer.h"
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

// "" when prefix.model parses with vocab pieces and prefix.vocab has vocab
// lines; else what is wrong
static std::string written_whole(const std::string &prefix, int vocab) {
    sentencepiece::SentencePieceProcessor sp;
    auto st = sp.Load(prefix + ".model");
    if (!st.ok())
        return "the trained model does not read back (a full disk?): " +
               st.ToString();
    if (sp.GetPieceSize() != vocab)
        return "the trained model reads back with " +
               std::to_string(sp.GetPieceSize()) + " of its " +
               std::to_string(vocab) + " pieces (a full disk?)";
    FILE *f = fopen((prefix + ".vocab").c_str(), "r");
    if (!f)
        return "the vocabulary list does not read back: " +
               std::string(strerror(errno));
    long lines = 0;
    int c, last = '\n';
    while ((c = getc(f)) != EOF) {
        lines += c == '\n';
        last = c;
    }
    fclose(f);
    if (lines != vocab || last != '\n')
        return "the vocabulary list reads back with " + std::to_string(lines) +
               " of its " + std::to_string(vocab) + " lines (a full disk?)";
    return "";
}

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
    // train under a temporary prefix beside the target, then rename: a
    // crash leaves the old model (or none), never half of one
    std::string prefix = o.substr(0, o.size() - 6);
    std::string tmp = prefix + ".tmp." + std::to_string(getpid());
    // '--' options in a string: SentencePiece splits on spaces, so refuse
    // paths it would misread
    if (strchr(input, ' ') || tmp.find(' ') != std::string::npos)
        return lms_errf(err, errlen, "%s: SentencePiece's trainer cannot take a "
                    "path with a space", strchr(input, ' ') ? input : out);
    std::string args = "--input=" + std::string(input) +
        " --model_prefix=" + tmp + " --vocab_size=" + std::to_string(vocab) +
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
    auto st = sentencepiece::SentencePieceTrainer::Train(args);
    if (saved >= 0 && devnull >= 0)
        dup2(saved, 2);
    if (saved >= 0)
        close(saved);
    if (devnull >= 0)
        close(devnull);
    if (!st.ok()) {
        unlink((tmp + ".model").c_str());
        unlink((tmp + ".vocab").c_str());
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
    // SentencePiece does not check its writes: a full disk leaves a cut
    // model and an ok status. Read both files back before they replace
    // anything: the model must parse with every piece, and the vocabulary
    // list hold a line per piece.
    std::string why = written_whole(tmp, vocab);
    if (!why.empty()) {
        unlink((tmp + ".model").c_str());
        unlink((tmp + ".vocab").c_str());
        return lms_errf(err, errlen, "%s: cannot write: %s", out, why.c_str());
    }
    if (rename((tmp + ".vocab").c_str(), (prefix + ".vocab").c_str()) != 0 ||
        rename((tmp + ".model").c_str(), o.c_str()) != 0) {
        int e = errno;
        unlink((tmp + ".model").c_str());
        unlink((tmp + ".vocab").c_str());
        return lms_errf(err, errlen, "%s: %s", out, strerror(e));
    }
    return 0;
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
