"""Errors as values: the Error trait that user exception types implement."""

pub trait Error
    fun message()
    fun str()
end

pub type BasicError
    "A simple error carrying a message: raise BasicError.new(message: \"...\")."
    pub message: Str
    impl Error
        fun message() self.message end
        fun str() "BasicError: " .. self.message end
    end
end
