/// Rewrites the ECMA-262 constructs Swift's regex syntax reads differently, and rejects syntax that
/// ECMA-262 does not have.
enum ECMAPattern {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    static func translate(_ pattern: String) throws -> String {
        let chars = Array(pattern)
        var out = ""
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else { throw Unsupported(description: "pattern ends with a lone backslash") }
                let next = chars[i + 1]
                switch next {
                case "c":
                    guard i + 2 < chars.count, let letter = chars[i + 2].asciiValue, chars[i + 2].isLetter else {
                        throw Unsupported(description: "\\c must be followed by a letter")
                    }
                    out += "\\x{\(String(letter & 31, radix: 16))}"
                    i += 3
                    continue
                case "s":
                    out += inClass ? "\\s\\x{FEFF}" : "[\\s\\x{FEFF}]"
                case "S":
                    out += inClass ? "\\S" : "[^\\s\\x{FEFF}]"
                case "a", "A", "z", "Z", "e", "h", "H", "v", "V", "R", "X", "K", "G", "N", "Q", "E":
                    if !inClass || next == "a" {
                        throw Unsupported(description: "\\\(next) is not an ECMA-262 escape")
                    }
                    out.append(c)
                    out.append(next)
                default:
                    out.append(c)
                    out.append(next)
                }
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.append(c)
                i += 1
                continue
            }
            if c == "[" {
                if i + 1 < chars.count, chars[i + 1] == "]" {
                    out += "(?!)"  // [] matches nothing
                    i += 2
                    continue
                }
                if i + 2 < chars.count, chars[i + 1] == "^", chars[i + 2] == "]" {
                    out += "[\\s\\S]"  // [^] matches anything
                    i += 3
                    continue
                }
                inClass = true
                out.append(c)
                if i + 1 < chars.count, chars[i + 1] == "^" {
                    out.append("^")
                    i += 1
                }
                if i + 1 < chars.count, chars[i + 1] == "]" {
                    out.append("\\]")
                    i += 1
                }
                i += 1
                continue
            }
            if c == "(", i + 1 < chars.count, chars[i + 1] == "?" {
                let rest = String(chars[(i + 2)...].prefix(3))
                if rest.hasPrefix("P") || rest.hasPrefix("#") {
                    throw Unsupported(description: "(?\(rest.prefix(1)) groups are not ECMA-262")
                }
                if let flag = rest.first, "imsxU".contains(flag) {
                    throw Unsupported(description: "inline flag groups such as (?\(flag)) are not ECMA-262")
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
