import FakePBX
public enum TS {}
