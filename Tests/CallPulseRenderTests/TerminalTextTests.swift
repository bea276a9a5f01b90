import Testing
@testable import CallPulseRender

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("calls/anna.wav", "calls/anna.wav"), ("é ü 日本.wav", "é ü 日本.wav"),
        ("a\nb", "a\\nb"), ("a\rb\tc", "a\\rb\\tc"), ("\u{1B}[2J", "\\x1B[2J"), ("\u{7F}", "\\x7F"),
        ("\u{9B}31m", "\\x9B31m"), ("\u{0}", "\\x00"), ("abc\u{202E}gpj.exe", "abc\\u{202E}gpj.exe"),
    ])
    func escapesControlCharactersOnly(text: String, shown: String) {
        #expect(TerminalText.escaped(text) == shown)
    }
}
