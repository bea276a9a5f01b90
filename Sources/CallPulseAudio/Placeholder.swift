public enum AudioPlaceholder {}
